import Foundation
import LoomCore
import LoomEngine
import LoomExport
import LoomGenerate
import LoomMedia
import LoomScenes
import LoomMockModel
import LoomRecipe
import LoomStore
import LoomVideo
import Synchronization
import Testing

/// A folder of videos made with the ffmpeg command-line tool (installed by the test command): good clips, an
/// exact copy, an audio-only file and a damaged one, with a JSON file of segments and narrations.
struct VideoFixture {
    let folder: URL
    let recipeURL: URL

    init(extraRecipe: String = "", sampling: String = "sampling: rate\n      fps: 1\n      frames: 6") throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("loom-videos-\(UUID().uuidString)")
        let clips = folder.appendingPathComponent("clips")
        try FileManager.default.createDirectory(at: clips.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try Self.ffmpeg(["-f", "lavfi", "-i", "testsrc=duration=12:size=160x120:rate=10", "-c:v", "mpeg4", clips.appendingPathComponent("cook.mp4").path])
        try Self.ffmpeg(["-f", "lavfi", "-i", "testsrc2=duration=8:size=160x120:rate=10", "-c:v", "mpeg4", clips.appendingPathComponent("sub/v_abc.mkv").path])
        try Self.ffmpeg(["-f", "lavfi", "-i", "sine=duration=1", "-c:a", "pcm_s16le", clips.appendingPathComponent("audio.mkv").path])
        try FileManager.default.copyItem(at: clips.appendingPathComponent("cook.mp4"), to: clips.appendingPathComponent("copy.mp4"))
        var broken = [UInt8](repeating: 0, count: 4096)
        for index in broken.indices { broken[index] = UInt8(truncatingIfNeeded: index &* 7919 &+ 13) }
        try Data(broken).write(to: clips.appendingPathComponent("broken.mp4"))
        try """
            {"cook.mp4": {
               "segments": [
                 {"start": 0, "end": 3, "text": "A man opens the fridge."},
                 {"start": 3.5, "end": 6.2, "text": "He takes out two eggs."},
                 {"start": 5, "end": 8, "text": "Sheldon waves at the camera."},
                 {"start": 9, "end": 14, "text": "He cracks the eggs into a bowl."},
                 {"start": 30, "end": 40, "text": "He eats breakfast."}],
               "narrations": [{"time": 1, "text": "#C C opens the fridge"}, {"time": 4, "text": "#C C takes out two eggs"},
                              {"time": 9.5, "text": "#C C cracks the eggs"}, {"time": 11, "text": "#C C whisks the eggs"}],
               "characters": ["Sheldon"]},
             "v_abc": {"timestamps": [[0, 2.2], [2.5, 5], [5.5, 8]],
                       "sentences": ["A ball rolls in.", "The ball bounces twice.", "The ball rolls away."]},
             "missing.mp4": {"segments": "not a list"}}
            """.write(to: folder.appendingPathComponent("clips.json"), atomically: true, encoding: .utf8)
        recipeURL = folder.appendingPathComponent("recipe.yaml")
        try """
            name: video-fixture
            seed: 4
            output: run
            sources:
              videos:
                - folder: clips
                  annotations: clips.json
                  \(sampling)
            stages:
              ingest:
                longest_side: 128
            \(extraRecipe)
            store:
              batch_size: 2
            exports:
              - format: mantis
                path: export/mantis
            """.write(to: recipeURL, atomically: true, encoding: .utf8)
    }

    static func ffmpeg(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
        process.arguments = ["-hide_banner", "-loglevel", "error", "-y"] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "ffmpeg \(arguments.joined(separator: " ")) failed")
    }

    var runDirectory: URL { folder.appendingPathComponent("run") }

    /// Adds a four-second clip drawn by the lavfi `source` at `path` under `clips/`.
    func addClip(_ path: String, source: String) throws {
        let url = folder.appendingPathComponent("clips").appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Self.ffmpeg(["-f", "lavfi", "-i", "\(source)=size=160x120:rate=10", "-t", "4", "-c:v", "mpeg4", url.path])
    }

    /// Adds `entry` (`"KEY": {…}`) to `clips.json`.
    func addAnnotation(_ entry: String) throws {
        let annotations = folder.appendingPathComponent("clips.json")
        let text = try String(contentsOf: annotations, encoding: .utf8)
        try text.replacingOccurrences(of: #""missing.mp4":"#, with: entry + #", "missing.mp4":"#)
            .write(to: annotations, atomically: true, encoding: .utf8)
    }

    func runner(recipe: Recipe? = nil, faults: FaultPlan = FaultPlan()) throws -> RecipeRunner {
        RecipeRunner(
            recipe: try recipe ?? RecipeLoader.load(contentsOf: recipeURL), recipeURL: recipeURL, catalog: try TemplateCatalog.bundled(),
            faults: faults, threads: 2)
    }
}

@Suite("Video ingest: frames, timestamped annotations, temporal questions")
struct VideoRunTests {
    @Test("videos become frame samples with their times; bad files and annotations are listed with reasons; rerunning adds nothing")
    func videosBecomeSamples() async throws {
        let fixture = try VideoFixture()
        let summary = try await fixture.runner().run()
        let videos = try #require(summary.videos)
        #expect(videos.files == 5 && videos.videos == 2)
        #expect(videos.problems == [
            "no video stream": 1, "corrupt or unreadable video": 1, "exact copy (ingested once)": 1,
            "segment cut at the video's end (ingested)": 1, "video annotation not usable": 2, "overlapping segments (ingested)": 1,
        ])
        let store = try RunStore(directory: fixture.runDirectory)
        let reasons = try store.rejections(stage: "video").flatMap(\.items).map { "\($0.subject): \($0.reason)" }
        #expect(reasons.contains { $0.hasPrefix("clips/audio.mkv: ") && $0.contains("no video stream") })
        #expect(reasons.contains { $0.hasPrefix("clips/copy.mp4: the same bytes as clips/cook.mp4") })
        #expect(reasons.contains { $0.hasPrefix("clips/cook.mp4 segment 5: segment 5 (\"He eats breakfast.\", 30.0 s–40.0 s) starts after the video's end at 12.0 s") })
        #expect(reasons.contains { $0.hasPrefix("clips/cook.mp4 segment 4: segment 4 (\"He cracks the eggs into a bowl.\", 9.0 s–14.0 s) ends after") })
        #expect(reasons.contains { $0.hasPrefix("clips.json: missing.mp4: \"segments\" must be an array") })

        var samples: [Sample] = []
        try store.forEachSample { samples.append($0) }
        #expect(samples.count == 2)
        let cook = try #require(samples.first { if case .video(let video) = $0.truth { video.duration > 10 } else { false } })
        guard case .video(let truth) = cook.truth else { return }
        // 1 fps would be 12 frames, more than the 6 allowed: 6 frames spread over the whole 12 s instead.
        #expect(truth.frameTimes.map { ($0 * 10).rounded() / 10 } == [1, 3, 5, 7, 9, 11])
        #expect(truth.segments.count == 4 && truth.segments.last?.end == truth.duration)
        #expect(truth.narrations.map(\.text) == ["I open the fridge", "I take out two eggs", "I crack the eggs", "I whisk the eggs"])
        #expect(cook.media.count == 6 && cook.kind == .sequence)
        for id in cook.media {
            let medium = try #require(try store.media(id: id))
            #expect(medium.kind == .frame && max(medium.width, medium.height) == 128)
            #expect(FileManager.default.fileExists(atPath: fixture.runDirectory.appendingPathComponent(medium.path).path))
        }
        var records: [Record] = []
        try store.forEachRecord { record, _ in records.append(record) }
        #expect(!records.isEmpty && records.allSatisfy { $0.domain == "temporal_reasoning" })
        for record in records where !record.flags.isEmpty {
            Issue.record("\(record.turns.map(\.text)) flagged: \(record.flags.map(\.reason))")
        }
        #expect(Set(records.map(\.sampleID)) == Set(samples.map(\.id)))
        // Records that show the whole video's frames in order label each with its time, so that a question about
        // the 5th second can be answered from the record; the quality stage reads those labels as labels.
        let labels = truth.frameTimes.enumerated().map { "Frame \($0.offset + 1) (\(Record.secondsLabel($0.element)) s): <image>" }
        #expect(labels.prefix(2) == ["Frame 1 (1.0 s): <image>", "Frame 2 (3.0 s): <image>"])
        let whole = records.filter { $0.sampleID == cook.id && $0.media == cook.media }
        #expect(!whole.isEmpty && whole.allSatisfy { $0.turns[0].text.hasPrefix(labels.joined(separator: "\n") + "\n") })
        #expect(whole.allSatisfy { !ImagePrefix.question($0.turns[0].text).contains("Frame") })
        // MIMIC-IT carries the frames apart from the text, in their order: the labels' times stay in the instruction.
        let mimicit = fixture.folder.appendingPathComponent("mimicit")
        _ = try ExportWriter(store: store, runDirectory: fixture.runDirectory).export(.mimicit, to: mimicit, options: ExportOptions())
        let instructionsFile = try #require(try FileManager.default.contentsOfDirectory(atPath: mimicit.path).first { $0.hasSuffix("_instructions.json") })
        let instructions = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: mimicit.appendingPathComponent(instructionsFile))) as? [String: Any])
        let texts = (instructions["data"] as? [String: [String: Any]] ?? [:]).values.compactMap { $0["instruction"] as? String }
        let timed = labels.map { String($0.dropLast(" <image>".count)) }.joined(separator: "\n") + "\n"
        #expect(texts.contains { $0.hasPrefix(timed) } && !texts.contains { $0.contains("<image>") })
        #expect(records.contains { $0.provenance.template == "temporal_reasoning.next_action" })
        #expect(summary.exports.first?.records == records.count)

        // A second run reads nothing again and changes nothing.
        let again = try await fixture.runner().run()
        #expect(again.contentHash == summary.contentHash && again.records == summary.records)
    }

    @Test("each video is committed once made: a crash loses at most the videos being read, and the resumed run is the uninterrupted one")
    func eachVideoIsCommittedOnceMade() async throws {
        let fixture = try VideoFixture()
        // A batch far larger than the folder: before, nothing of the stage was committed until its end.
        let text = try String(contentsOf: fixture.recipeURL, encoding: .utf8).replacingOccurrences(of: "batch_size: 2", with: "batch_size: 64")
        try text.write(to: fixture.recipeURL, atomically: true, encoding: .utf8)
        // Each of the four files read commits on its own (the two that fail too): by the fourth commit at least one
        // of the three before it holds a video.
        await #expect(throws: InjectedCrash.self) { try await fixture.runner(faults: FaultPlan(crashBeforeBatch: 4)).run() }
        let done = try RunStore(directory: fixture.runDirectory).completedItems(stage: "video")
        #expect(done.contains("clips/cook.mp4") || done.contains("clips/sub/v_abc.mkv"), "\(done.sorted())")
        let resumed = try await fixture.runner().run()
        try FileManager.default.removeItem(at: fixture.runDirectory)
        let uninterrupted = try await fixture.runner().run()
        #expect(resumed.contentHash == uninterrupted.contentHash)
    }

    @Test("an exact copy with an annotation entry of its own says that its annotations were not used")
    func aCopysOwnAnnotationsAreNoted() async throws {
        let fixture = try VideoFixture()
        try fixture.addAnnotation(#""copy.mp4": {"segments": [{"start": 0, "end": 2, "text": "Waves crash."}]}"#)
        _ = try await fixture.runner().run()
        let copies = try RunStore(directory: fixture.runDirectory).rejections(stage: "video")
            .first { $0.category == RejectionKind.exactCopy.category }?.items ?? []
        #expect(copies.map(\.subject) == ["clips/copy.mp4"])
        #expect(copies.first?.reason.contains("this file's own annotations (1 segments, 0 narrations) were not used: give them under clips/cook.mp4's name") == true)
    }

    @Test("an annotation key that names several videos (one file name in two folders) is used for none of them, with a note")
    func anAmbiguousAnnotationKeyIsUsedForNone() async throws {
        let fixture = try VideoFixture()
        try fixture.addClip("day1/IMG_0001.MOV", source: "testsrc")
        try fixture.addClip("day2/IMG_0001.MOV", source: "mandelbrot")
        try fixture.addAnnotation(#""IMG_0001.MOV": {"segments": [{"start": 0, "end": 2, "text": "A cat jumps."}]}"#)
        _ = try await fixture.runner().run()
        let store = try RunStore(directory: fixture.runDirectory)
        let notes = try store.rejections(stage: "video").flatMap(\.items).filter { $0.subject.hasSuffix("IMG_0001.MOV") }
        #expect(notes.count == 1)
        #expect(notes.first?.reason.contains("matches 2 videos (clips/day1/IMG_0001.MOV, clips/day2/IMG_0001.MOV), so it was used for none") == true)
        var cats = 0
        try store.forEachRecord { record, _ in if record.turns.contains(where: { $0.text.contains("cat jumps") }) { cats += 1 } }
        #expect(cats == 0)
    }

    @Test("a key that is one video's path and another's file name is used only for the video whose path it is")
    func aKeyThatIsOneVideosPath() async throws {
        let fixture = try VideoFixture()
        try fixture.addClip("IMG_0001.MOV", source: "testsrc")
        try fixture.addClip("day2/IMG_0001.MOV", source: "mandelbrot")
        try fixture.addAnnotation(#""IMG_0001.MOV": {"segments": [{"start": 0, "end": 2, "text": "A cat jumps."}]}"#)
        _ = try await fixture.runner().run()
        let store = try RunStore(directory: fixture.runDirectory)
        let note = try store.rejections(stage: "video").flatMap(\.items).first { $0.subject.hasSuffix("IMG_0001.MOV") }
        #expect(note?.reason.contains("so it was used only for clips/IMG_0001.MOV, whose path it is") == true)
        var samplesWithCats: Set<String> = []
        try store.forEachRecord { record, _ in
            if record.turns.contains(where: { $0.text.contains("cat jumps") }) { samplesWithCats.insert(record.sampleID) }
        }
        #expect(samplesWithCats.count == 1)
    }

    @Test("a source video rewritten in place after ingest is not exported with the old video's records")
    func aVideoRewrittenInPlaceIsNotExported() async throws {
        let fixture = try VideoFixture()
        _ = try await fixture.runner().run()
        let cookID = try StableID.sha256Hex(fileAt: fixture.folder.appendingPathComponent("clips/cook.mp4").path)
        // Every kept video has the stamp it was hashed with: an export compares it instead of hashing the video.
        let ingested = try RunStore(directory: fixture.runDirectory)
        let videos = Set(try ingested.sampleVideos().values)
        let stamped = Set(try ingested.linkedMediaStamps().keys)
        #expect(videos.contains(cookID) && videos.isSubset(of: stamped))
        // Rewritten in place, as `ffmpeg -y` does: the same inode, so the run's hard-linked copy changes with it.
        let other = fixture.folder.appendingPathComponent("other.mp4")
        try VideoFixture.ffmpeg(["-f", "lavfi", "-i", "mandelbrot=size=160x120:rate=10", "-t", "12", "-c:v", "mpeg4", other.path])
        let handle = try FileHandle(forWritingTo: fixture.folder.appendingPathComponent("clips/cook.mp4"))
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: try Data(contentsOf: other))
        try handle.close()

        var options = ExportOptions()
        options.videos = true
        let store = try RunStore(directory: fixture.runDirectory)
        let exported = try ExportWriter(store: store, runDirectory: fixture.runDirectory)
            .export(.llamafactory, to: fixture.folder.appendingPathComponent("export"), options: options)
        #expect(exported.videos == 1)
        #expect(exported.problems.contains { $0.contains("changed since it was ingested") && $0.contains("its records are left out") })
        var records: [Record] = []
        try store.forEachRecord { record, _ in records.append(record) }
        let videoOfSample = try store.sampleVideos()
        let left = records.filter { videoOfSample[$0.sampleID] == cookID }.count
        #expect(left > 0 && exported.records == records.count - left)
    }

    @Test("an HDR video (PQ) and a portrait phone video are ingested upright and tone-mapped, and the run notes both")
    func hdrVideoIsNoted() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loom-hdr-\(UUID().uuidString)")
        let clips = folder.appendingPathComponent("clips")
        try FileManager.default.createDirectory(at: clips, withIntermediateDirectories: true)
        try VideoFixture.ffmpeg([
            "-f", "lavfi", "-i", "testsrc=duration=3:size=160x120:rate=10", "-pix_fmt", "yuv420p10le",
            "-color_primaries", "bt2020", "-color_trc", "smpte2084", "-colorspace", "bt2020nc", "-c:v", "ffv1",
            clips.appendingPathComponent("phone.mkv").path,
        ])
        // A portrait phone video: landscape frames with a rotation tag.
        try VideoFixture.ffmpeg(["-f", "lavfi", "-i", "testsrc=duration=2:size=160x120:rate=10", "-c:v", "mpeg4", folder.appendingPathComponent("upright.mp4").path])
        try VideoFixture.ffmpeg([
            "-i", folder.appendingPathComponent("upright.mp4").path, "-c", "copy", "-metadata:s:v:0", "rotate=90",
            clips.appendingPathComponent("portrait.mp4").path,
        ])
        let recipeURL = folder.appendingPathComponent("recipe.yaml")
        // Events, so that each video has temporal questions to export.
        let events = #"{"segments": [{"start": 0, "end": 0.9, "text": "A pattern slides in."}, {"start": 1.1, "end": 1.9, "text": "The pattern stops."}]}"#
        try #"{"phone.mkv": \#(events), "portrait.mp4": \#(events)}"#
            .write(to: folder.appendingPathComponent("clips.json"), atomically: true, encoding: .utf8)
        try "name: hdr\noutput: run\nsources:\n  videos:\n    - folder: clips\n      annotations: clips.json\n"
            .write(to: recipeURL, atomically: true, encoding: .utf8)
        let summary = try await RecipeRunner(
            recipe: try RecipeLoader.load(contentsOf: recipeURL), recipeURL: recipeURL, catalog: try TemplateCatalog.bundled(),
            threads: 2
        ).run()
        #expect(summary.videos?.videos == 2)
        let notes = try RunStore(directory: folder.appendingPathComponent("run")).rejections(stage: "video")
        let hdr = try #require(notes.first { $0.category == RejectionKind.hdrVideo.category })
        #expect(hdr.items.map(\.subject) == ["clips/phone.mkv"])
        #expect(hdr.items.first?.reason.hasPrefix("PQ over BT.2020: frames were tone-mapped") == true)
        let rotated = try #require(notes.first { $0.category == RejectionKind.rotatedVideo.category })
        #expect(rotated.items.map(\.subject) == ["clips/portrait.mp4"])
        #expect(rotated.items.first?.reason.contains("PyAV and decord") == true)

        // Exported with their videos, both are carried as trainers' loaders must see them: re-encoded upright and
        // in SDR, frames as Loom took them.
        let run = folder.appendingPathComponent("run")
        var options = ExportOptions()
        options.videos = true
        var writer = ExportWriter(store: try RunStore(directory: run), runDirectory: run)
        let told = Mutex<[String]>([])
        writer.videoProgress = { _, _, path in told.withLock { $0.append(path) } }
        let exported = try writer.export(.llamafactory, to: folder.appendingPathComponent("export"), options: options)
        #expect(exported.videos == 2 && exported.problems.isEmpty, "\(exported)")
        #expect(told.withLock { $0.count } == 2)
        // A second export reuses the re-encoded files.
        _ = try writer.export(.llamafactory, to: folder.appendingPathComponent("export-again"), options: options)
        #expect(told.withLock { $0.count } == 2)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("export/videos").path)
        #expect(files.count == 2 && files.allSatisfy { $0.hasSuffix(".mp4") })
        for name in files {
            let copy = try VideoReader(path: folder.appendingPathComponent("export/videos/\(name)").path)
            #expect(copy.info.rotation == 0 && copy.info.hdr == nil)
            let portrait = copy.info.width == 120
            #expect(portrait ? copy.info.height == 160 : (copy.info.width == 160 && copy.info.height == 120))
            // The first frame matches the source's, read upright and tone-mapped.
            let source = try VideoReader(path: clips.appendingPathComponent(portrait ? "portrait.mp4" : "phone.mkv").path)
            let (a, b) = (try copy.frames(at: [0.5])[0].image, try source.frames(at: [0.5])[0].image)
            let difference = zip(a.pixels, b.pixels).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) } / a.pixels.count
            #expect(a.width == b.width && a.height == b.height && difference < 8, "\(name): mean difference \(difference)")
        }
    }

    @Test("a recipe's export with videos re-encodes a portrait video upright once, and the run's progress says so")
    func recipeExportNotesTheReencode() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loom-portrait-\(UUID().uuidString)")
        let clips = folder.appendingPathComponent("clips")
        try FileManager.default.createDirectory(at: clips, withIntermediateDirectories: true)
        try VideoFixture.ffmpeg(["-f", "lavfi", "-i", "testsrc=duration=2:size=160x120:rate=10", "-c:v", "mpeg4", folder.appendingPathComponent("upright.mp4").path])
        try VideoFixture.ffmpeg([
            "-i", folder.appendingPathComponent("upright.mp4").path, "-c", "copy", "-metadata:s:v:0", "rotate=90",
            clips.appendingPathComponent("portrait.mp4").path,
        ])
        try #"{"portrait.mp4": {"segments": [{"start": 0, "end": 0.9, "text": "A pattern slides in."}, {"start": 1.1, "end": 1.9, "text": "It stops."}]}}"#
            .write(to: folder.appendingPathComponent("clips.json"), atomically: true, encoding: .utf8)
        let recipeURL = folder.appendingPathComponent("recipe.yaml")
        try """
            name: portrait
            output: run
            sources:
              videos:
                - folder: clips
                  annotations: clips.json
            exports:
              - format: llamafactory
                path: export
                videos: true
            """.write(to: recipeURL, atomically: true, encoding: .utf8)
        func run() async throws -> [String] {
            let notes = Mutex<[String]>([])
            _ = try await RecipeRunner(
                recipe: try RecipeLoader.load(contentsOf: recipeURL), recipeURL: recipeURL, catalog: try TemplateCatalog.bundled(),
                observer: { event in if case .note(let text) = event { notes.withLock { $0.append(text) } } }, threads: 2
            ).run()
            return notes.withLock { $0 }
        }
        let first = try await run()
        #expect(first.filter { $0.hasPrefix("re-encoding videos/") && $0.hasSuffix("(1 of 1 videos checked)") }.count == 1, "\(first)")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("run/export/videos").path)
        #expect(files.count == 1 && files[0].hasSuffix(".mp4"))
        let copy = try VideoReader(path: folder.appendingPathComponent("run/export/videos/\(files[0])").path)
        #expect(copy.info.rotation == 0 && copy.info.width == 120 && copy.info.height == 160)
        // Run again: the export is written again, the re-encoded file reused.
        #expect(try await run().allSatisfy { !$0.hasPrefix("re-encoding") })
    }

    @Test("scene-change sampling and uniform sampling take the frames they promise")
    func samplingKinds() async throws {
        let uniform = try VideoFixture(sampling: "sampling: uniform\n      frames: 4")
        _ = try await uniform.runner().run()
        var times: [[Double]] = []
        try RunStore(directory: uniform.runDirectory).forEachSample { sample in
            if case .video(let video) = sample.truth { times.append(video.frameTimes) }
        }
        // 12 s: middles of four 3 s parts are 1.5, 4.5, 7.5, 10.5 (frames every 0.1 s).
        #expect(times.contains { $0.map { ($0 * 10).rounded() / 10 } == [1.5, 4.5, 7.5, 10.5] })
        #expect(times.allSatisfy { $0.count == 4 })

        // A one-frame video gives its frame once, not once per target.
        let short = try VideoFixture(sampling: "sampling: uniform\n      frames: 8")
        try VideoFixture.ffmpeg([
            "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10", "-frames:v", "1", "-c:v", "mpeg4",
            short.folder.appendingPathComponent("clips/one.mp4").path,
        ])
        _ = try await short.runner().run()
        var shortTimes: [[Double]] = []
        try RunStore(directory: short.runDirectory).forEachSample { sample in
            if case .video(let video) = sample.truth, video.duration < 0.5 { shortTimes.append(video.frameTimes) }
        }
        #expect(shortTimes == [[0]])

        let scenes = try VideoFixture(sampling: "sampling: scenes\n      threshold: 0.9\n      frames: 5")
        _ = try await scenes.runner().run()
        try RunStore(directory: scenes.runDirectory).forEachSample { sample in
            // The test pattern slides without cuts: only the first frame starts a shot.
            if case .video(let video) = sample.truth { #expect(video.frameTimes == [0]) }
        }
    }

    @Test("Syphus writes about videos from their timestamped events, narrations and neutral names")
    func syphusOverVideos() async throws {
        let queries = Mutex<[String: String]>([:])
        let server = try await MockModelServer.start { request in
            let system = request.messageTexts
            let subset = system.contains("camera on their head") ? "ego" : system.contains("TV show") ? "tv" : "dense"
            queries.withLock { $0[subset + ":" + (request.lastMessageText?.prefix(40) ?? "")] = request.lastMessageText ?? "" }
            return .completion(
                text: #"{"pairs":[{"instruction":"What happens first?","answer":"A man opens the fridge."},{"instruction":"What comes next?","answer":"He takes out eggs."}]}"#)
        }
        defer { Task { try? await server.shutdown() } }
        let fixture = try VideoFixture(extraRecipe: RunFixture.mockModel(baseURL: server.baseURL, model: "mock-text"))
        var text = try String(contentsOf: fixture.recipeURL, encoding: .utf8)
        text = text.replacingOccurrences(
            of: "    longest_side: 128\n",
            with: "    longest_side: 128\n  syphus: {model: mock, subsets: [dense_captions, egocentric_planning, tv_captions], pairs: 2}\n")
        try text.write(to: fixture.recipeURL, atomically: true, encoding: .utf8)
        let summary = try await fixture.runner().run()
        #expect(summary.models?.stages["syphus"]?.done == 5, "dense and TV captions for both videos, planning for the narrated one")
        let sent = queries.withLock { $0 }
        let dense = sent.filter { $0.key.hasPrefix("dense:") }.map(\.value)
        let ego = sent.filter { $0.key.hasPrefix("ego:") }.map(\.value)
        let tv = sent.filter { $0.key.hasPrefix("tv:") }.map(\.value)
        #expect(dense.count == 2 && ego.count == 1 && tv.count == 2)
        #expect(dense.contains { $0.contains("Events (start-end seconds):\n0.0-3.0: A man opens the fridge.") && $0.contains("Sheldon waves") })
        #expect(dense.contains { $0.contains("0.0-2.2: A ball rolls in.") })
        #expect(ego.first?.contains("Narrations (second: what I do):\n1.0: I open the fridge") == true)
        #expect(tv.contains { $0.contains("Person A waves at the camera.") } && tv.allSatisfy { !$0.contains("Sheldon") })
        let store = try RunStore(directory: fixture.runDirectory)
        var syphus = 0
        try store.forEachRecord { record, _ in if record.domain.rawValue.hasPrefix("syphus_") { syphus += 1 } }
        #expect(syphus == 10)
    }
}

@Suite("Procedural scene videos")
struct SceneVideoRunTests {
    @Test("drawn sequences become encoded videos whose sampled frames are the drawn steps and whose timeline is exact")
    func sceneVideos() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loom-scene-videos-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let recipeURL = folder.appendingPathComponent("recipe.yaml")
        try """
            name: scene-videos
            seed: 9
            output: run
            sources:
              scene_videos:
                count: 3
                steps: {min: 4, max: 6}
                step_seconds: 1
                fps: 8
                image: {width: 192, height: 144}
            exports:
              - format: mantis
                path: export/mantis
            """.write(to: recipeURL, atomically: true, encoding: .utf8)
        let recipe = try RecipeLoader.load(contentsOf: recipeURL)
        let runner = { RecipeRunner(recipe: recipe, recipeURL: recipeURL, catalog: try TemplateCatalog.bundled(), threads: 2) }
        let summary = try await runner().run()
        #expect(summary.videos?.videos == 3, "\(String(describing: summary.videos))")
        // Several changes between the same two steps share a stretch of time: noted, never an error.
        #expect(summary.videos?.problems.keys.allSatisfy { $0 == "overlapping segments (ingested)" } == true)
        let run = folder.appendingPathComponent("run")
        let timeline = try JSONValue.parse(Array(try Data(contentsOf: run.appendingPathComponent("scene-videos/timeline.json"))))
        guard case .object(let entries) = timeline else { Issue.record("timeline.json is not an object"); return }
        #expect(entries.keys.sorted() == ["scene-video-0.mp4", "scene-video-1.mp4", "scene-video-2.mp4"])

        let store = try RunStore(directory: run)
        var samples: [Sample] = []
        try store.forEachSample { samples.append($0) }
        #expect(samples.count == 3)
        for sample in samples {
            guard case .video(let truth) = sample.truth else { Issue.record("not a video sample"); continue }
            // One frame at the start of every step: exactly the drawn scenes.
            #expect(truth.frameTimes == (0..<sample.media.count).map(Double.init))
            #expect((4...6).contains(sample.media.count))
            #expect(abs(truth.duration - Double(sample.media.count)) < 0.01)
            // The frames are the drawn steps (after H.264 and JPEG, within a few levels on average).
            var settings = SceneSettings()
            settings.width = 192
            settings.height = 144
            var rng = SeededGenerator(seed: StableID.seed(9, "scene-video", String(sample.ordinal)))
            let steps = SceneComposer.sequence(settings, frames: rng.int(in: 4...6), rng: &rng)
            #expect(steps.count == sample.media.count)
            for (step, id) in zip(steps, sample.media) {
                let medium = try #require(try store.media(id: id))
                let bytes = [UInt8](try Data(contentsOf: run.appendingPathComponent(medium.path)))
                let frame = try ImageDecoder.decode(bytes).1
                let drawn = RGBImage(try SceneRenderer.render(step))
                let difference = zip(frame.pixels, drawn.pixels).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }
                #expect(Double(difference) / Double(drawn.pixels.count) < 6, "frame \(id) is not its step")
            }
        }
        var records: [Record] = []
        try store.forEachRecord { record, _ in records.append(record) }
        #expect(!records.isEmpty && records.allSatisfy { $0.flags.isEmpty }, "every temporal answer agrees with the ground truth")

        // Running again encodes nothing and changes nothing.
        let modified = try FileManager.default.attributesOfItem(atPath: run.appendingPathComponent("scene-videos/scene-video-0.mp4").path)[.modificationDate] as? Date
        let again = try await runner().run()
        #expect(again.contentHash == summary.contentHash)
        #expect(try FileManager.default.attributesOfItem(atPath: run.appendingPathComponent("scene-videos/scene-video-0.mp4").path)[.modificationDate] as? Date == modified)
    }
}
