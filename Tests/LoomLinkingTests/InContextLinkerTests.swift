import LoomCore
import Testing
@testable import LoomLinking

@Suite struct InContextLinkerTests {
    /// 10,000 records over 2,500 samples in two languages, with templated (often repeated) instructions.
    static let items: [LinkItem] = {
        let texts = CosineIndexTests.corpus(10_000, seed: 7)
        return texts.enumerated().map { index, text in
            LinkItem(
                id: "rec-" + String(index * 7919 % 10_000, radix: 16).leftPadded(to: 5), sampleID: "smp-\(index / 4)",
                language: index % 10 == 0 ? "de" : "en", text: text)
        }.sorted { $0.id < $1.id }
    }()

    /// The rules Otter's training relies on: one link per record, ids resolve, no record is both a query and an
    /// example, examples are examples, in the query's language, not repeated, at most k.
    static func checkRules(_ links: [InContextLink], items: [LinkItem], k: Int, sameSample: Bool) {
        #expect(links.count == items.count)
        let byID = Dictionary(uniqueKeysWithValues: items.map { ($0.id, $0) })
        let roles = Dictionary(uniqueKeysWithValues: links.map { ($0.recordID, $0.role) })
        #expect(roles.count == items.count)
        for link in links {
            let query = byID[link.recordID]!
            if link.role == .example { #expect(link.examples.isEmpty) }
            #expect(link.examples.count <= k)
            #expect(Set(link.examples).count == link.examples.count)
            #expect(link.scores.count == link.examples.count)
            for example in link.examples {
                guard let item = byID[example] else {
                    Issue.record("\(link.recordID) links to \(example), which does not exist")
                    continue
                }
                #expect(roles[example] == .example, "\(example) is a query and an example")
                #expect(item.language == query.language)
                if !sameSample { #expect(item.sampleID != query.sampleID) }
            }
        }
    }

    @Test func textLinksOnTenThousandRecordsKeepTheRules() {
        let settings = LinkSettings(strategy: .text, k: 5, exampleShare: 0.2, sameSample: false, seed: 3)
        let links = InContextLinker(settings: settings, threads: 2).link(Self.items)
        Self.checkRules(links, items: Self.items, k: 5, sameSample: false)
        let examples = links.filter { $0.role == .example }.count
        #expect(examples > 1_700 && examples < 2_300)  // about a fifth
        let queries = links.filter { $0.role == .query }
        #expect(queries.filter { $0.examples.count == 5 }.count > queries.count * 9 / 10)
        // Scores are best first.
        for link in queries { #expect(link.scores == link.scores.sorted(by: >)) }
        // Deterministic: the same input and seed give the same links.
        #expect(InContextLinker(settings: settings, threads: 1).link(Self.items) == links)
    }

    @Test func siblingLinksUseTheSameSample() {
        let settings = LinkSettings(strategy: .siblings, k: 3)
        let links = InContextLinker(settings: settings, threads: 2).link(Self.items)
        Self.checkRules(links, items: Self.items, k: 3, sameSample: true)
        let byID = Dictionary(uniqueKeysWithValues: Self.items.map { ($0.id, $0) })
        for link in links where link.role == .query {
            for example in link.examples { #expect(byID[example]!.sampleID == byID[link.recordID]!.sampleID) }
        }
        #expect(links.contains { $0.role == .query && !$0.examples.isEmpty })
    }

    @Test func imageLinksAreTheNearestHashesOutsideTheQuerysSample() {
        // 3,000 records over 600 samples; each sample's images are random hashes, its 5 records share them.
        var generator = SeededGenerator(seed: 17)
        var items: [LinkItem] = []
        for sample in 0..<600 {
            let hashes = (0..<(1 + sample % 3)).map { _ in generator.next() }
            for record in 0..<5 {
                items.append(LinkItem(id: "rec-\(sample)-\(record)", sampleID: "smp-\(sample)", language: "en", text: "", imageHashes: hashes))
            }
        }
        items.append(LinkItem(id: "rec-nohash", sampleID: "smp-x", language: "en", text: ""))
        items.sort { $0.id < $1.id }
        let settings = LinkSettings(strategy: .image, k: 4, exampleShare: 0.2, sameSample: false, seed: 1)
        let links = InContextLinker(settings: settings, threads: 2).link(items)
        Self.checkRules(links, items: items, k: 4, sameSample: false)
        let byID = Dictionary(uniqueKeysWithValues: items.map { ($0.id, $0) })
        let pool = links.filter { $0.role == .example }.map { byID[$0.recordID]! }
        for link in links where link.role == .query {
            let query = byID[link.recordID]!
            if query.imageHashes.isEmpty {
                #expect(link.examples.isEmpty)
                continue
            }
            // Brute force: the best distance any eligible pool record has is what the first example has.
            let distances = pool.filter { $0.sampleID != query.sampleID }.map { ImageNeighbours.distance(query.imageHashes, $0.imageHashes) }
            #expect(link.examples.count == 4)
            #expect(abs(link.scores[0] - (1 - distances.min()! / 64)) < 1e-12)
            #expect(link.scores == link.scores.sorted(by: >))
        }
    }

    @Test("image ranking keeps exactly what sorting the whole pool keeps, ties in pool order", arguments: [1, 4, 40])
    func imageRankingMatchesAFullSort(depth: Int) {
        // Hashes a few bits from a handful of centres, so that distances are small and tie often.
        var generator = SeededGenerator(seed: 5)
        let centres = (0..<6).map { _ in generator.next() }
        func hashes(_ count: Int) -> [UInt64] {
            (0..<count).map { _ in centres[Int(generator.next() % 6)] ^ (1 << (generator.next() % 64)) ^ (1 << (generator.next() % 64)) }
        }
        let pool = ImageNeighbours.signatures((0..<300).map { _ in hashes(1 + Int(generator.next() % 3)) })
        let queries = ImageNeighbours.signatures((0..<120).map { _ in hashes(1 + Int(generator.next() % 4)) })
        let depths = queries.indices.map { depth + $0 % 3 }
        let ranked = ImageNeighbours.rank(queries, against: pool, depth: depths, threads: 2)
        for (query, kept) in zip(queries.indices, ranked) {
            var expected = pool.indices.map { ($0, ImageNeighbours.distance(queries[query].hashes, pool[$0].hashes)) }
            expected.sort { $0.1 < $1.1 || ($0.1 == $1.1 && pool[$0.0].members[0] < pool[$1.0].members[0]) }
            var members = 0
            expected = Array(expected.prefix { entry in
                defer { members += pool[entry.0].members.count }
                return members < depths[query]
            })
            #expect(kept.map(\.0) == expected.map(\.0))
            #expect(kept.map(\.1) == expected.map(\.1))
        }
    }

    @Test("records about the same image from different stages (other samples) are never each other's examples", arguments: [
        LinkSettings.Strategy.text, .image,
    ])
    func sharedImagesAreLeftOut(strategy: LinkSettings.Strategy) {
        // 400 images; for each, a question record and a Syphus record (two samples) with the same words and image.
        var generator = SeededGenerator(seed: 5)
        var items: [LinkItem] = []
        for image in 0..<400 {
            let hash = generator.next()
            let text = "How many \(["red", "blue", "green", "small", "large"][image % 5]) cubes are left of object \(image)?"
            for stage in ["questions", "syphus"] {
                items.append(LinkItem(
                    id: "rec-\(stage)-\(image)", sampleID: "smp-\(stage)-\(image)", language: "en", text: text, imageHashes: [hash],
                    media: ["img-\(image)"]))
            }
        }
        items.sort { $0.id < $1.id }
        let links = InContextLinker(settings: LinkSettings(strategy: strategy, k: 3, exampleShare: 0.3, seed: 2), threads: 2).link(items)
        let byID = Dictionary(uniqueKeysWithValues: items.map { ($0.id, $0) })
        var linked = 0
        for link in links where link.role == .query {
            for example in link.examples {
                #expect(byID[example]!.media != byID[link.recordID]!.media, "\(link.recordID) got \(example), about the same image")
                linked += 1
            }
        }
        #expect(linked > 0)
    }

    @Test func nothingToLinkGivesNoLinks() {
        for strategy in LinkSettings.Strategy.allCases {
            #expect(InContextLinker(settings: LinkSettings(strategy: strategy), threads: 2).link([]).isEmpty)
        }
        // Texts without a single term: queries without examples.
        let items = (0..<6).map { LinkItem(id: "r\($0)", sampleID: "s\($0)", language: "en", text: "?!") }
        let links = InContextLinker(settings: LinkSettings(strategy: .text, exampleShare: 0.5), threads: 1).link(items)
        #expect(links.allSatisfy { $0.examples.isEmpty })
    }

    @Test func thePoolDependsOnlyOnTheIdAndSeed() {
        let ids = (0..<5_000).map { "rec-\($0)" }
        let share = ids.filter { ExamplePool.contains($0, share: 0.3, seed: 11) }.count
        #expect(share > 1_350 && share < 1_650)
        #expect(ids.filter { ExamplePool.contains($0, share: 0.3, seed: 11) } == ids.filter { ExamplePool.contains($0, share: 0.3, seed: 11) })
        #expect(ids.filter { ExamplePool.contains($0, share: 0.3, seed: 12) } != ids.filter { ExamplePool.contains($0, share: 0.3, seed: 11) })
    }
}

extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
