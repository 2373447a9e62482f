/// Chooses every record's role and in-context examples so that Otter-style training can use them: every example
/// id is a record of the same collection, a record is either a query or an example (never both), and examples
/// share the query's language.
public struct InContextLinker: Sendable {
    public let settings: LinkSettings
    public let threads: Int

    public init(settings: LinkSettings, threads: Int) {
        self.settings = settings
        self.threads = threads
    }

    /// The links of `items`, one per item, in the items' order.
    public func link(_ items: [LinkItem]) -> [InContextLink] {
        var links = [InContextLink?](repeating: nil, count: items.count)
        // Languages are linked apart: an example in another language teaches the wrong thing.
        var byLanguage: [String: [Int]] = [:]
        for (index, item) in items.enumerated() { byLanguage[item.language, default: []].append(index) }
        for language in byLanguage.keys.sorted() {
            let indices = byLanguage[language]!
            let part = indices.map { items[$0] }
            let partLinks = switch settings.strategy {
            case .siblings: siblingLinks(part)
            case .text: textLinks(part)
            case .image: ImageNeighbours(settings: settings, threads: threads).links(part)
            }
            for (offset, link) in partLinks.enumerated() { links[indices[offset]] = link }
        }
        return links.map { $0! }
    }

    /// Siblings: in a sample with n ≥ 2 records (in the given order) the last min(k, n/2) are its examples and the
    /// others queries that take all of them; a record alone in its sample is a query without examples.
    private func siblingLinks(_ items: [LinkItem]) -> [InContextLink] {
        var bySample: [String: [Int]] = [:]
        for (index, item) in items.enumerated() { bySample[item.sampleID, default: []].append(index) }
        var links = [InContextLink?](repeating: nil, count: items.count)
        for members in bySample.values {
            let exampleCount = members.count >= 2 ? min(settings.k, members.count / 2) : 0
            let examples = members.suffix(exampleCount).map { items[$0].id }
            for (position, index) in members.enumerated() {
                links[index] = position < members.count - exampleCount
                    ? InContextLink(recordID: items[index].id, role: .query, examples: examples, scores: examples.map { _ in 1 })
                    : InContextLink(recordID: items[index].id, role: .example)
            }
        }
        return links.map { $0! }
    }

    /// Text similarity: a seeded share of the records is the example pool; each other record takes its k nearest
    /// pool records by TF-IDF cosine (above 0), leaving out its own sample's, and those sharing one of its images,
    /// unless `sameSample`.
    private func textLinks(_ items: [LinkItem]) -> [InContextLink] {
        var vectorizer = TFIDFVectorizer()
        let vectors = vectorizer.fitTransform(items.map(\.text))
        let (poolIndices, queryIndices) = ExamplePool.partition(items, share: settings.exampleShare, seed: settings.seed)
        var pool = SparseVectors()
        for index in poolIndices { pool.append(vectors.range(index).map { (vectors.terms[$0], vectors.weights[$0]) }) }
        var queries = SparseVectors()
        for index in queryIndices { queries.append(vectors.range(index).map { (vectors.terms[$0], vectors.weights[$0]) }) }
        let index = CosineIndex(pool: pool, termCount: vectorizer.vocabulary.count)
        let poolSamples = poolIndices.map { items[$0].sampleID }
        var poolPerSample: [String: Int] = [:]
        for sample in poolSamples { poolPerSample[sample, default: 0] += 1 }
        // Pool records per medium: a query looks that much deeper, since those sharing its images are left out.
        var poolPerMedium: [String: Int] = [:]
        for index in poolIndices { for medium in Set(items[index].media) { poolPerMedium[medium, default: 0] += 1 } }
        let sameSample = settings.sameSample
        let (perSample, perMedium) = (poolPerSample, poolPerMedium)
        let poolItems = poolIndices.map { items[$0] }
        let queryItems = queryIndices.map { items[$0] }
        let neighbours = index.nearest(
            queries, k: settings.k, threads: threads,
            excludedCount: { query in
                guard !sameSample else { return 0 }
                let item = queryItems[query]
                return (perSample[item.sampleID] ?? 0) + Set(item.media).reduce(0) { $0 + (perMedium[$1] ?? 0) }
            },
            excluded: { query, position in !sameSample && queryItems[query].isSameSubject(as: poolItems[position]) })
        var links = [InContextLink?](repeating: nil, count: items.count)
        for index in poolIndices { links[index] = InContextLink(recordID: items[index].id, role: .example) }
        for (query, index) in queryIndices.enumerated() {
            let found = neighbours[query]
            links[index] = InContextLink(
                recordID: items[index].id, role: .query, examples: found.map { items[poolIndices[$0.position]].id },
                scores: found.map(\.score))
        }
        return links.map { $0! }
    }
}
