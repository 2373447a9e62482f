import CAVFormat
import CSwscale

/// Finds shot changes: every decoded frame is shrunk to a small grey picture with libswscale, and a frame whose
/// picture differs from the previous one by at least the threshold starts a new shot.
struct SceneChangeDetector {
    static let width: Int32 = 64
    static let height: Int32 = 36

    private var context: UnsafeMutableRawPointer?
    private var key: (width: Int32, height: Int32, format: Int32) = (0, 0, -1)
    private var previous: [UInt8]?
    /// (time, score) of each frame that starts a new shot, in time order.
    private(set) var cuts: [(time: Double, score: Double)] = []
    private(set) var firstTime: Double?
    let threshold: Double

    init(threshold: Double) {
        self.threshold = threshold
    }

    mutating func add(_ frame: UnsafeMutablePointer<AVFrame>, time: Double) throws {
        let picture = try shrink(frame)
        defer { previous = picture }
        guard let previous else {
            firstTime = time
            return
        }
        var total = 0
        for index in picture.indices { total += abs(Int(picture[index]) - Int(previous[index])) }
        let score = Double(total) / Double(picture.count * 255)
        if score >= threshold { cuts.append((time, score)) }
    }

    /// The first frame's time, then the cut times (the sharpest `maxFrames - 1` when there are more), ascending.
    func times(maxFrames: Int) -> [Double] {
        guard let firstTime, maxFrames > 0 else { return [] }
        var kept = cuts
        if kept.count > maxFrames - 1 {
            kept = Array(kept.enumerated().sorted { ($0.element.score, -$0.offset) > ($1.element.score, -$1.offset) }
                .prefix(maxFrames - 1).map(\.element))
        }
        return [firstTime] + kept.map(\.time).sorted()
    }

    private mutating func shrink(_ frame: UnsafeMutablePointer<AVFrame>) throws -> [UInt8] {
        let (width, height, format) = (frame.pointee.width, frame.pointee.height, frame.pointee.format)
        if context == nil || key != (width, height, format) {
            loom_sws_free(context)
            context = loom_sws_context(
                width, height, AVPixelFormat(format), Self.width, Self.height, AV_PIX_FMT_GRAY8, loom_sws_area)
            key = (width, height, format)
        }
        guard let context else { throw VideoError(.decodeFailed, "cannot convert the frame's pixel format") }
        var pixels = [UInt8](repeating: 0, count: Int(Self.width * Self.height))
        let converted = pixels.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var destination: [UnsafeMutablePointer<UInt8>?] = [buffer.baseAddress, nil, nil, nil]
            var strides: [Int32] = [Self.width, 0, 0, 0]
            return withUnsafePointer(to: frame.pointee.data) { dataTuple in
                withUnsafePointer(to: frame.pointee.linesize) { linesizeTuple in
                    dataTuple.withMemoryRebound(to: UnsafePointer<UInt8>?.self, capacity: 8) { source in
                        linesizeTuple.withMemoryRebound(to: Int32.self, capacity: 8) { sourceStrides in
                            loom_sws_scale(context, source, sourceStrides, 0, height, &destination, &strides)
                        }
                    }
                }
            }
        }
        guard converted == Self.height else { throw VideoError(.decodeFailed, "the frame could not be shrunk") }
        return pixels
    }

    func release() { loom_sws_free(context) }
}
