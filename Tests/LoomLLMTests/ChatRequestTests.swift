import Foundation
import LoomLLM
import Testing

@Suite struct ChatRequestTests {
    @Test func equalRequestsShareAKeyAndAnyChangeMakesANewOne() {
        let image = ChatImage(jpeg: Data([0xFF, 0xD8, 0xFF, 0xD9]))
        let base = ChatRequest(
            model: "m", messages: [.system("s"), ChatMessage(role: .user, parts: [.text("q"), .image(image)])], temperature: 0.2)
        #expect(base.cacheKey == base.cacheKey)
        var other = base
        other.temperature = 0.3
        #expect(other.cacheKey != base.cacheKey)
        let otherImage = ChatRequest(
            model: "m", messages: [.system("s"), ChatMessage(role: .user, parts: [.text("q"), .image(ChatImage(jpeg: Data([1])))])],
            temperature: 0.2)
        #expect(otherImage.cacheKey != base.cacheKey)
        // Moving text between parts changes the key: lengths are part of what is hashed.
        let split = ChatRequest(model: "m", messages: [.system("s"), .user("q")], temperature: 0.2)
        let joined = ChatRequest(model: "m", messages: [.system("sq")], temperature: 0.2)
        #expect(split.cacheKey != joined.cacheKey)
    }
}
