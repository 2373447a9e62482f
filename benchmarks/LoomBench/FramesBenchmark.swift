import Foundation
import LoomVideo

/// `loom-bench frames VIDEO uniform:N|rate:FPS [DECODER_THREADS]`: frames sampled from a video by `VideoReader`
/// (open, probe, decode front to back, convert the chosen frames to RGB). Prints one JSON line.
func runFramesBenchmark(_ arguments: [String]) throws -> Bool {
    guard arguments.count >= 4, arguments[1] == "frames" else { return false }
    let parts = arguments[3].split(separator: ":")
    guard parts.count == 2, let value = Double(parts[1]) else { return false }
    let sampling: FrameSampling = parts[0] == "uniform" ? .uniform(count: Int(value)) : .rate(perSecond: value, maxFrames: 100_000)
    let threads = arguments.count > 4 ? Int(arguments[4]) ?? 1 : 1
    let started = Date()
    let reader = try VideoReader(path: arguments[2], threads: threads)
    let frames = try reader.frames(at: sampling.times(duration: reader.info.duration))
    let seconds = Date().timeIntervalSince(started)
    let line: [String: Any] = [
        "scenario": "frames", "sampling": arguments[3], "frames": frames.count, "video_frames": reader.info.frameCount, "decoded": reader.decodedFrames,
        "width": reader.info.width, "height": reader.info.height, "codec": reader.info.codec, "decoder_threads": threads,
        "seconds": (seconds * 1000).rounded() / 1000, "frames_per_second": (Double(frames.count) / seconds * 10).rounded() / 10,
        "video_frames_per_second": (Double(reader.info.frameCount) / seconds).rounded(), "peak_rss_mb": Int(peakResidentMegabytes()),
    ]
    print(String(decoding: try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]), as: UTF8.self))
    return true
}
