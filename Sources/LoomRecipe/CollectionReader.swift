import Yams

/// Reads the recipe's user collections (`sources.folders`, `sources.manifests`, `sources.coco`) and the
/// ingest stage's settings.
enum CollectionReader {
    static func read(_ sources: MappingReader, sink: DiagnosticSink) -> [CollectionSource] {
        var out: [CollectionSource] = []
        for (index, node) in (sources.sequence("folders") ?? []).enumerated() {
            let path = "sources.folders[\(index)]"
            // A bare string is a folder with default filters.
            if case .scalar(let scalar) = node {
                sink.checkExists(scalar.string, "folder", at: node, path: path)
                out.append(.folder(path: scalar.string, include: [], exclude: []))
                continue
            }
            guard let reader = MappingReader(node, path: path, sink: sink) else { continue }
            let folder = required(reader, "path", in: path, at: node, sink: sink)
            sink.checkExists(folder, "folder", at: reader.value("path"), path: path + ".path")
            let include = reader.stringList("include", allowed: []) ?? []
            let exclude = reader.stringList("exclude", allowed: []) ?? []
            reader.finish()
            if let folder { out.append(.folder(path: folder, include: include, exclude: exclude)) }
        }
        for (index, node) in (sources.sequence("manifests") ?? []).enumerated() {
            let path = "sources.manifests[\(index)]"
            if case .scalar(let scalar) = node {
                sink.checkExists(scalar.string, "manifest", at: node, path: path)
                out.append(.manifest(file: scalar.string, imageRoot: nil))
                continue
            }
            guard let reader = MappingReader(node, path: path, sink: sink) else { continue }
            let file = required(reader, "file", in: path, at: node, sink: sink)
            let root = reader.has("image_root") ? reader.string("image_root", default: "") : nil
            sink.checkExists(file, "manifest", at: reader.value("file"), path: path + ".file")
            sink.checkExists(root, "image folder", at: reader.value("image_root"), path: path + ".image_root")
            reader.finish()
            if let file { out.append(.manifest(file: file, imageRoot: root)) }
        }
        for (index, node) in (sources.sequence("coco") ?? []).enumerated() {
            let path = "sources.coco[\(index)]"
            guard let reader = MappingReader(node, path: path, sink: sink) else { continue }
            let instances = reader.has("instances") ? reader.string("instances", default: "") : nil
            let captions = reader.has("captions") ? reader.string("captions", default: "") : nil
            let images = required(reader, "images", in: path, at: node, sink: sink)
            sink.checkExists(instances, "COCO instances file", at: reader.value("instances"), path: path + ".instances")
            sink.checkExists(captions, "COCO captions file", at: reader.value("captions"), path: path + ".captions")
            sink.checkExists(images, "COCO image folder", at: reader.value("images"), path: path + ".images")
            reader.finish()
            if instances == nil && captions == nil {
                sink.report("a COCO source needs 'instances' or 'captions' (an annotation file)", at: node, path: path)
            } else if let images {
                out.append(.coco(instances: instances, captions: captions, images: images))
            }
        }
        for (index, node) in (sources.sequence("datasets") ?? []).enumerated() {
            if let conversion = DatasetReader.read(node, path: "sources.datasets[\(index)]", sink: sink) {
                out.append(.dataset(conversion))
            }
        }
        return out
    }

    /// `sources.videos`: folders of videos, each a string or a mapping with `folder`, `include`, `exclude`,
    /// `annotations`, `sampling` (uniform, rate, scenes), `frames`, `fps` and `threshold`.
    static func readVideos(_ sources: MappingReader, sink: DiagnosticSink) -> [VideoCollection] {
        var out: [VideoCollection] = []
        for (index, node) in (sources.sequence("videos") ?? []).enumerated() {
            let path = "sources.videos[\(index)]"
            if case .scalar(let scalar) = node {
                sink.checkExists(scalar.string, "video folder", at: node, path: path)
                out.append(VideoCollection(folder: scalar.string))
                continue
            }
            guard let reader = MappingReader(node, path: path, sink: sink) else { continue }
            let folder = required(reader, "folder", in: path, at: node, sink: sink)
            var collection = VideoCollection(folder: folder ?? "")
            collection.include = reader.stringList("include", allowed: []) ?? []
            collection.exclude = reader.stringList("exclude", allowed: []) ?? []
            collection.annotations = reader.has("annotations") ? reader.string("annotations", default: "") : nil
            sink.checkExists(folder, "video folder", at: reader.value("folder"), path: path + ".folder")
            sink.checkExists(collection.annotations, "video annotation file", at: reader.value("annotations"), path: path + ".annotations")
            collection.sampling = VideoCollection.Sampling(
                rawValue: reader.string(
                    "sampling", default: collection.sampling.rawValue, allowed: VideoCollection.Sampling.allCases.map(\.rawValue)))
                ?? collection.sampling
            collection.frames = reader.int("frames", default: collection.frames, in: 1...256)
            collection.fps = reader.double("fps", default: collection.fps, in: 0.01...60)
            collection.threshold = reader.double("threshold", default: collection.threshold, in: 0.01...1)
            reader.finish()
            if folder != nil { out.append(collection) }
        }
        return out
    }

    /// `sources.scene_videos`: `count`, `steps: {min, max}`, `step_seconds`, `fps`, `image: {width, height}`.
    static func readSceneVideos(_ reader: MappingReader) -> SceneVideoSource {
        var source = SceneVideoSource()
        source.count = reader.int("count", default: source.count, in: 0...1_000_000)
        source.steps = reader.range("steps", default: source.steps, in: 2...16)
        source.stepSeconds = reader.double("step_seconds", default: source.stepSeconds, in: 0.2...60)
        source.framesPerSecond = reader.int("fps", default: source.framesPerSecond, in: 2...60)
        if let image = reader.mapping("image") {
            source.width = image.int("width", default: source.width, in: 128...4096)
            source.height = image.int("height", default: source.height, in: 128...4096)
            image.finish()
            if source.width % 2 != 0 || source.height % 2 != 0 {
                reader.report("video frames need an even width and height, not \(source.width)×\(source.height)", key: "image")
            }
        }
        reader.finish()
        return source
    }

    static func readIngest(_ reader: MappingReader) -> IngestSettings {
        var settings = IngestSettings()
        settings.longestSide = reader.int("longest_side", default: settings.longestSide, in: 64...4096)
        settings.thumbnailSide = reader.int("thumbnail_side", default: settings.thumbnailSide, in: 32...1024)
        settings.jpegQuality = reader.int("jpeg_quality", default: settings.jpegQuality, in: 1...100)
        settings.nearDuplicateDistance = reader.int(
            "near_duplicate_distance", default: settings.nearDuplicateDistance, in: 0...16)
        settings.maxMegapixels = reader.int("max_megapixels", default: settings.maxMegapixels, in: 1...10_000)
        settings.maxFileMegabytes = reader.int("max_file_mb", default: settings.maxFileMegabytes, in: 1...100_000)
        settings.ocr = reader.bool("ocr", default: settings.ocr)
        settings.ocrMinConfidence = reader.double(
            "ocr_min_confidence", default: settings.ocrMinConfidence, in: 0...100)
        settings.ocrLanguage = reader.string("ocr_language", default: settings.ocrLanguage)
        if !isLanguageList(settings.ocrLanguage) {
            reader.report(
                "'\(settings.ocrLanguage)' is not a tesseract language code: expected codes such as 'eng' or "
                    + "'chi_sim', joined with '+' ('eng+deu')", key: "ocr_language")
        }
        reader.finish()
        return settings
    }

    /// True for tesseract language codes joined with "+": letters, digits and "_" ("eng", "chi_sim", "eng+deu").
    /// Anything else would be looked up as a file path by tesseract.
    static func isLanguageList(_ text: String) -> Bool {
        text.split(separator: "+", omittingEmptySubsequences: false).allSatisfy { code in
            !code.isEmpty && code.utf8.allSatisfy { byte in
                (0x61...0x7A).contains(byte | 0x20) || (0x30...0x39).contains(byte) || byte == 0x5F
            }
        }
    }

    /// A text value the mapping must have; reports its absence.
    static func required(_ reader: MappingReader, _ key: String, in path: String, at node: Node, sink: DiagnosticSink)
        -> String?
    {
        guard reader.has(key) else {
            sink.report("missing '\(key)'", at: node, path: path)
            return nil
        }
        let value = reader.string(key, default: "")
        return value.isEmpty ? nil : value
    }
}
