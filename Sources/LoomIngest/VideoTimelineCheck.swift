import LoomCore

/// Fits a video's annotations to the video as probed: segments and narrations sorted by time; a segment that
/// starts after the end left out, one that runs past the end cut there (a note when it runs over by more than
/// `tolerance`, the rounding of annotation tools); narrations after the end left out; overlapping segments noted.
/// Each problem names the video and the segment or narration (one store row each), and gives the times.
public enum VideoTimelineCheck {
    /// Half a second: annotation tools round times, and containers disagree about the last frame's duration.
    public static let tolerance = 0.5

    public static func fit(_ annotations: VideoAnnotations, duration: Double, subject: String) -> (VideoAnnotations, [SourceRejection]) {
        var result = annotations
        var notes: [SourceRejection] = []
        func seconds(_ value: Double) -> String { String(format: "%.1f s", value) }
        var segments: [VideoSegment] = []
        for (index, segment) in annotations.segments.enumerated() {
            let name = "segment \(index + 1) (\"\(segment.text)\", \(seconds(segment.start))–\(seconds(segment.end)))"
            if segment.start >= duration {
                notes.append(SourceRejection(
                    subject: "\(subject) segment \(index + 1)", kind: .badVideoAnnotation,
                    reason: "\(name) starts after the video's end at \(seconds(duration)); left out"))
                continue
            }
            var fitted = segment
            if segment.end > duration {
                fitted.end = duration
                if segment.end > duration + tolerance {
                    notes.append(SourceRejection(
                        subject: "\(subject) segment \(index + 1)", kind: .segmentClipped,
                        reason: "\(name) ends after the video's end at \(seconds(duration)); cut there"))
                }
            }
            segments.append(fitted)
        }
        result.segments = segments.sorted { ($0.start, $0.end) < ($1.start, $1.end) }
        var overlaps = 0
        var example: (VideoSegment, VideoSegment)?
        for (index, segment) in result.segments.enumerated() {
            for other in result.segments[(index + 1)...] {
                guard other.start < segment.end else { break }
                if segment.overlaps(other) {
                    overlaps += 1
                    if example == nil { example = (segment, other) }
                }
            }
        }
        if let (a, b) = example {
            notes.append(SourceRejection(
                subject: "\(subject) segments", kind: .overlappingSegments,
                reason: "\(overlaps) pair\(overlaps == 1 ? "" : "s") of segments overlap, e.g. \"\(a.text)\" (\(seconds(a.start))–\(seconds(a.end))) "
                    + "and \"\(b.text)\" (\(seconds(b.start))–\(seconds(b.end))); questions about order leave such pairs out"))
        }
        var narrations: [Narration] = []
        for narration in annotations.narrations {
            if narration.time > duration + tolerance {
                notes.append(SourceRejection(
                    subject: "\(subject) narration at \(seconds(narration.time))", kind: .badVideoAnnotation,
                    reason: "the narration \"\(narration.text)\" at \(seconds(narration.time)) is after the video's end at \(seconds(duration)); left out"))
                continue
            }
            narrations.append(narration)
        }
        result.narrations = narrations.sorted { $0.time < $1.time }
        return (result, notes)
    }
}
