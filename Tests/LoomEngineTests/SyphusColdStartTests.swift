import Foundation
import LoomCore
import LoomEngine
import LoomInstruct
import LoomMockModel
import LoomRecipe
import LoomReview
import LoomStore
import Testing

@Suite("Syphus cold start: accepted records become the next round's in-context examples")
struct SyphusColdStartTests {
    @Test func acceptedPairsBecomeExamplesThatThePromptsLoadAndTheNextRoundSends() async throws {
        let catalog = try PromptCatalog.load()
        let subset = try #require(catalog.syphus["spot_the_difference"])
        let server = try await MockModelServer.start { request in
            .completion(
                text: #"{"pairs":[{"instruction":"What changed between image 1 and image 2?","answer":"One shape was moved."},{"instruction":"Which image has more shapes?","answer":"They have the same number."}]}"#)
        }
        defer { Task { try? await server.shutdown() } }
        let fixture = try RunFixture(singles: 1, pairs: 3, sets: 0, sequences: 0)
        let recipe = try fixture.addingMockModel(
            baseURL: server.baseURL, model: "mock-vl", stages: "  syphus: {model: mock, subsets: [spot_the_difference], pairs: 2}")
        _ = try await fixture.runner(recipe: recipe).run()
        let store = try RunStore(directory: fixture.runDirectory)
        let folder = fixture.folder.appendingPathComponent("my-prompts")

        // Nothing accepted yet: a clear refusal.
        #expect(throws: LoomError.self) { try SyphusExamples.write(subset: "spot_the_difference", store: store, folder: folder) }

        // One reviewer, one pass: accept the records of two samples, reject the rest.
        let service = try ReviewService(
            store: store, runDirectory: fixture.runDirectory, settings: ReviewSettings(passes: 1),
            hasher: PasswordHasher(logRounds: 4, blockSize: 1))
        try service.addUser(name: "lead", role: .admin, password: "password-lead")
        let lead = try #require(try store.reviewer(named: "lead"))
        let batch = try service.createBatch(name: "seed", filter: ReviewBatchFilter(domains: ["syphus_spot_the_difference"]), by: lead)
        var acceptedSamples = Set<String>()
        var acceptedPairs: [String: Int] = [:]
        while let claim = try service.next(.batch(batch), for: lead) {
            let record = try #require(try store.record(id: claim.recordID))
            let accept = acceptedSamples.contains(record.sampleID) || acceptedSamples.count < 2
            if accept {
                acceptedSamples.insert(record.sampleID)
                acceptedPairs[record.sampleID, default: 0] += 1
            }
            try await service.decide(
                recordID: claim.recordID, verdict: accept ? .accept : .reject, reason: accept ? nil : "dull", pass: claim.pass,
                seenVersion: claim.version, adjudication: false, by: lead)
        }
        #expect(acceptedSamples.count == 2)

        let written = try SyphusExamples.write(subset: "spot_the_difference", store: store, folder: folder)
        #expect(written.examples == 2 && written.pairs == acceptedPairs.values.reduce(0, +))
        // The override loads, keeps the subset's prompt and carries the accepted pairs as replies.
        let next = try #require(try PromptCatalog.load(overrides: folder).syphus["spot_the_difference"])
        #expect(next.system == subset.system && next.query == subset.query && next.schema == subset.schema)
        #expect(next.examples.count == 2)
        for example in next.examples {
            #expect(example.query.contains("Image 1") || example.query.contains("image 1"))
            let reply = try JSONValue.parse(Array(example.reply.utf8))
            guard case .object(let fields) = reply, case .array(let pairs)? = fields["pairs"] else {
                Issue.record("the reply is not {\"pairs\": […]}")
                continue
            }
            #expect(!pairs.isEmpty)
            _ = try SyphusTask.decode(reply, count: pairs.count, imageCount: 2)
        }
        // The next round sends them as in-context turns.
        let request = SyphusTask(subset: next, sampling: SamplingSettings()).request(model: "m", annotations: "…", count: 2)
        #expect(request.messages.count == 2 + 2 * next.examples.count)
    }
}
