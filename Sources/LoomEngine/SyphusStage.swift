import LoomCore
import LoomInstruct
import LoomLLM
import LoomRecipe
import LoomStore

/// MIMIC-IT Syphus: for each subset the recipe names, every sample of the subset's scope gets instruction–
/// response pairs written from its visual annotations. Single-image subsets take the distinct ingested images
/// (source annotations plus model caption) and the drawn singles; pair subsets the drawn pairs (with their known
/// change); sequence subsets the drawn frame sequences (with their events).
struct SyphusStage: Sendable {
    let settings: ModelStages.Syphus
    let context: ModelStageContext
    let endpoints: ModelEndpoints

    /// One subset asked of one sample: an ingested image (its id) or a drawn sample (its sample id).
    struct Item: Sendable {
        enum Subject: Sendable {
            case image(String)
            case sample(String)
            /// Ingested images asked together (near-duplicates, an album), in order.
            case images([String], kind: SampleKind)
        }

        var subset: String
        var subject: Subject
        var id: String {
            switch subject {
            case .image(let id): "\(subset):\(id)"
            case .sample(let id): "\(subset):\(id)"
            case .images(let ids, _): "\(subset):" + ids.joined(separator: "+")
            }
        }
    }

    /// Checks the recipe's subset names against the prompt files.
    static func check(_ settings: ModelStages.Syphus, prompts: PromptCatalog) throws {
        for name in settings.subsets where prompts.syphus[name] == nil {
            throw LoomError(
                .recipe, "no Syphus subset is named '\(name)'; the prompt files define: \(prompts.syphus.keys.sorted().joined(separator: ", "))",
                subject: "stages.syphus.subsets")
        }
    }

    func items() throws -> [Item] {
        var items: [Item] = []
        let subsets = settings.subsets.compactMap { context.prompts.syphus[$0] }
        if subsets.contains(where: { $0.scope == .single && ($0.select ?? .any) == .any }) {
            for imageID in try context.distinctImageIDs() {
                for subset in subsets where subset.scope == .single && (subset.select ?? .any) == .any {
                    items.append(Item(subset: subset.id, subject: .image(imageID)))
                }
            }
        }
        try context.store.forEachSample { sample in
            for subset in subsets where subset.scope == sample.kind && Self.selects(subset.select ?? .any, sample.truth) {
                items.append(Item(subset: subset.id, subject: .sample(sample.id)))
            }
        }
        let similar = subsets.filter { $0.select == .similar && $0.scope == .pair }
        let albums = subsets.filter { $0.select == .albums }
        if !similar.isEmpty || !albums.isEmpty {
            let groups = try Self.imageGroups(store: context.store)
            for pair in groups.nearDuplicates {
                for subset in similar { items.append(Item(subset: subset.id, subject: .images(pair, kind: .pair))) }
            }
            for album in groups.albums {
                for subset in albums { items.append(Item(subset: subset.id, subject: .images(album, kind: .set))) }
            }
        }
        return items
    }

    /// Whether a subset with this selection is asked of a stored sample of its scope. The user's annotated
    /// singles are left out: their images are asked directly.
    static func selects(_ selection: SyphusSubset.Selection, _ truth: SampleTruth) -> Bool {
        switch (selection, truth) {
        case (.any, .single), (.any, .pair), (.any, .set), (.any, .sequence), (.any, .video): return true
        case (.any, .annotated(let annotated)): return annotated.kind != .single
        case (.drawn, .single), (.drawn, .pair), (.drawn, .set), (.drawn, .sequence): return true
        case (.similar, .pair): return true
        case (.segments, .video(let video)): return !video.segments.isEmpty
        case (.narrations, .video(let video)): return !video.narrations.isEmpty
        default: return false
        }
    }

    /// Longest album asked at once: longer albums are told in consecutive parts.
    static let albumImages = 8

    /// The user's near-duplicate photos (each with the image it nearly repeats, earlier one first) and albums
    /// (images sharing a manifest's `album` field, in parts of at most `albumImages`). An album's order is its
    /// `album_index` fields when every image has one, else the order the images were ingested in (a manifest's
    /// line order, when the manifest is the first source to list them).
    static func imageGroups(store: RunStore) throws -> (nearDuplicates: [[String]], albums: [[String]]) {
        var nearDuplicates: [[String]] = []
        var albumOrder: [String] = []
        var albums: [String: [(id: String, ordinal: Int, index: Double?)]] = [:]
        try store.forEachImage { image in
            if let original = image.duplicateOf { nearDuplicates.append([original, image.id]) }
            guard image.duplicateOf == nil, let field = image.annotations.fields["album"] else { return }
            let name = (try? JSONValue.parse(Array(field.utf8)))?.stringValue ?? field
            let index = image.annotations.fields["album_index"].flatMap { try? JSONValue.parse(Array($0.utf8)) }?.doubleValue
            if albums[name] == nil { albumOrder.append(name) }
            albums[name, default: []].append((image.id, image.ordinal, index))
        }
        var parts: [[String]] = []
        for name in albumOrder {
            var members = albums[name] ?? []
            if members.allSatisfy({ $0.index != nil }) {
                members.sort { ($0.index!, $0.ordinal) < ($1.index!, $1.ordinal) }
            } else {
                members.sort { $0.ordinal < $1.ordinal }
            }
            let images = members.map(\.id)
            guard images.count >= 2 else { continue }
            var start = 0
            while start < images.count {
                let part = Array(images[start..<min(start + albumImages, images.count)])
                if part.count >= 2 { parts.append(part) }
                start += albumImages
            }
        }
        return (nearDuplicates, parts)
    }

    /// The sample an item's records belong to, and its visual annotations as the prompts write them.
    private static func subject(_ item: Item, subset: SyphusSubset, context: ModelStageContext) throws -> (sample: Sample, annotations: String) {
        switch item.subject {
        case .image(let id):
            let image = try context.image(id)
            let sample = context.describedSample(origin: "syphus", kind: .single, media: [id], ordinal: image.ordinal)
            return (sample, try SyphusAnnotations.text(for: sample, subset: subset, store: context.store))
        case .images(let ids, let kind):
            let first = try context.image(ids[0])
            let sample = context.describedSample(origin: "syphus", kind: kind, media: ids, ordinal: first.ordinal)
            return (sample, try SyphusAnnotations.text(for: sample, subset: subset, store: context.store))
        case .sample(let id):
            guard let sample = try context.store.sample(id: id) else {
                throw LoomError(.store, "the sample is not in the run store", subject: id)
            }
            return (sample, try SyphusAnnotations.text(for: sample, subset: subset, store: context.store))
        }
    }

    func run() async throws -> StageCounts {
        let (client, endpoint) = try endpoints.endpoint(settings.call.endpoint)
        let sampling = settings.call.sampling
        let (context, count) = (context, settings.pairs)
        let runner = ModelItemRunner(stage: .syphus, client: client, endpoint: endpoint, call: settings.call, context: context)
        return try await runner.run(try items(), id: \.id) { item, call in
            guard let subset = context.prompts.syphus[item.subset] else { throw ModelItemFailure(reason: "no subset \(item.subset)") }
            let (sample, annotations) = try Self.subject(item, subset: subset, context: context)
            guard try SyphusAnnotations.hasContent(sample, store: context.store) else {
                // Nothing is sent (nor paid for): the model would write from image sizes alone.
                throw ModelItemFailure(
                    reason: "the image has no annotations and no caption to write from: add stages.caption, or annotations in a manifest or COCO file")
            }
            let request = SyphusTask(subset: subset, sampling: sampling).request(model: endpoint.model, annotations: annotations, count: count)
            let imageCount = sample.media.count
            let (pairs, provenance) = try await call.structured(request, prompt: "syphus:" + subset.id) { value throws(ReplyProblem) in
                try SyphusTask.decode(value, count: count, imageCount: imageCount)
            }
            let maker = InstructRecordMaker(sample: sample, language: context.language, seed: context.recipe.seed)
            let share = provenance.share(of: pairs.count)
            let skill: Skill? = sample.kind == .sequence ? .temporal : sample.kind == .pair ? .comparison : nil
            let records = pairs.enumerated().map { index, pair in
                maker.record(
                    slot: "syphus.\(subset.id).\(index)", exchanges: [(pair.instruction, pair.answer)],
                    type: ModelText.wordCount(pair.answer) > QuestionTask.shortAnswerWords ? .longVQA : .shortVQA,
                    domain: Domain(rawValue: "syphus_" + subset.id), skill: skill, generator: "model", prompt: "syphus:" + subset.id,
                    model: share)
            }
            // Drawn samples are already stored; the described samples of ingested images are new.
            let samples: [Sample]
            if case .described = sample.truth { samples = [sample] } else { samples = [] }
            return StoreWrite(
                samples: samples, records: records,
                ledger: [LedgerEntry(item: item.id, stage: Stage.syphus.rawValue, status: .done)])
        }
    }
}
