import Foundation
import LoomCore
import LoomReview
import LoomStore
import Mustache

/// The review app's HTML: Mustache templates (data files under `Pages/`) filled from view models. Every
/// `{{value}}` is escaped for HTML (`<`, `>`, `&`, both quotes; `HTMLEscaping`), so model-written text is shown
/// as text wherever it appears; no template uses the unescaped `{{{value}}}` form.
struct ReviewPages: Sendable {
    private let library: MustacheLibrary
    let runName: String
    private let pieces = RenderedPieces()

    init(runName: String) async throws {
        guard let folder = Bundle.module.url(forResource: "Pages", withExtension: nil) else {
            throw LoomError(.io, "the review pages are missing from the installation", subject: "Pages")
        }
        MustacheContentTypes.register(HTMLEscaping(), named: HTMLEscaping.name)
        library = try await MustacheLibrary(directory: folder.path)
        self.runName = runName
    }

    /// A whole page: `values` plus the header's account, CSRF token and title.
    func page(_ name: String, title: String, session: ReviewSession?, _ values: [String: Any] = [:]) -> String {
        var context = values
        context["title"] = title
        context["runName"] = runName
        context["csrf"] = session?.csrf ?? ""
        if let account = session?.account {
            context["account"] = [
                "name": account.name, "role": account.role.rawValue, "adjudicates": account.role.adjudicates,
            ] as [String: Any]
        }
        return library.render(context, withTemplate: name) ?? ""
    }

    /// The record part of the review screen, as the review script swaps it in.
    ///
    /// The reject reasons and the domain's checklist are the same for every record of a domain: they are rendered
    /// once (`fragment-reject-options`, `fragment-checklist`) and put into the fragment's marked places. Looping
    /// over them in every fragment took an eighth of the review server's time under a full team.
    /// The record as the review screen shows it. `showsEarlierPasses`: whether the viewer may see the verdicts
    /// other reviewers gave it (adjudicators and admins); an annotator's pass must be independent, so an
    /// annotator sees neither them nor the link to the record's history.
    func recordFragment(
        _ view: ReviewRecordView, claim: ReviewClaim?, passes: Int, rejectReasons: [String], showsEarlierPasses: Bool
    ) -> String {
        var context = Self.recordValues(view, passes: passes)
        context["showsHistory"] = showsEarlierPasses
        if !showsEarlierPasses {
            context["hasPasses"] = false
            context["passesDone"] = [Any]()
        }
        context["pass"] = claim?.pass ?? view.state.passes + 1
        context["adjudication"] = claim?.adjudication ?? false
        let html = library.render(context, withTemplate: "record-fragment") ?? ""
        let options = pieces.rendered(key: "reject-options", for: rejectReasons) { reasons in
            library.render(
                ["rejectReasons": reasons.enumerated().map { ["number": $0.offset + 1, "text": $0.element] as [String: Any] }],
                withTemplate: "fragment-reject-options") ?? ""
        }
        let checklist = pieces.rendered(key: "checklist", for: view.checklist) { items in
            library.render(["checklist": items], withTemplate: "fragment-checklist") ?? ""
        }
        return FragmentSlots.fill(html, [(Self.rejectOptionsSlot, options), (Self.checklistSlot, checklist)])
    }

    /// What the review screen shows when its queue has nothing left for the reviewer: the message and, when they
    /// skipped some of the batch's records, a button that serves those again.
    func queueDone(message: String, skipped: Int) -> String {
        library.render(
            ["message": message, "hasSkipped": skipped > 0, "skipped": skipped, "one": skipped == 1] as [String: Any],
            withTemplate: "queue-done") ?? ""
    }

    /// Where the fragment template takes the pieces rendered once.
    static let rejectOptionsSlot = "<!--loom:reject-options-->"
    static let checklistSlot = "<!--loom:checklist-->"

    /// The values every view of a record shares.
    static func recordValues(_ view: ReviewRecordView, passes: Int) -> [String: Any] {
        let record = view.record
        let kind = view.sampleKind
        let noun = kind == .sequence ? "Frame" : "Image"
        var values: [String: Any] = [
            "id": record.id, "idPath": pathSegment(record.id), "type": record.type.rawValue, "domain": record.domain.rawValue, "language": record.language,
            "version": view.state.version, "status": view.state.status.rawValue, "passes": passes,
            "passesCount": view.state.passes, "sampleKind": kind?.rawValue ?? "single",
        ]
        if let skill = record.skill { values["skill"] = skill.rawValue }
        values["media"] = view.media.enumerated().map { index, item -> [String: Any] in
            ["id": item?.id ?? record.media[index], "number": index + 1, "noun": noun, "available": item != nil]
        }
        values["flags"] = record.flags.map { ["code": $0.code, "reason": $0.reason] }
        values["turns"] = record.turns.enumerated().map { index, turn -> [String: Any] in
            [
                "index": index, "role": turn.role.rawValue, "text": turn.text,
                "label": turn.role == .user ? "Question" : "Answer",
                "rows": min(12, max(2, turn.text.split(separator: "\n", omittingEmptySubsequences: false).count + 1)),
            ]
        }
        if let options = record.options {
            values["hasOptions"] = true
            values["answerKey"] = record.answerKey ?? ""
            values["options"] = options.enumerated().map { index, text -> [String: Any] in
                let letter = index < optionLetters.count ? optionLetters[index] : ""
                return ["text": text, "correct": letter == record.answerKey]
            }
        }
        if let verdict = view.verdict {
            values["verdict"] = (verdict.supported ? "supported: " : "not supported: ") + verdict.reason
        }
        let captions = record.media.enumerated().compactMap { index, id -> [String: Any]? in
            view.captions[id].map { ["noun": noun, "number": index + 1, "text": $0] }
        }
        values["hasCaptions"] = !captions.isEmpty
        values["captions"] = captions
        // As stored: re-serializing a scene's truth to indent it cost more than the rest of the page.
        if let annotations = view.annotations { values["annotations"] = annotations }
        values["hasPasses"] = !view.passes.isEmpty
        values["passesDone"] = view.passes.map { pass -> [String: Any] in
            var item: [String: Any] = [
                "pass": pass.pass, "reviewer": pass.reviewer, "verdict": pass.verdict.rawValue, "version": pass.version,
                "adjudication": pass.adjudication, "when": Self.timestamp(pass.createdAt),
            ]
            if let reason = pass.reason { item["reason"] = reason }
            return item
        }
        return values
    }

    /// A record id as one segment of a URL path: everything but unreserved characters percent-encoded (what
    /// the review script's `encodeURIComponent` does), so that an imported id such as `rec-1#a` or `a/b` stays
    /// one segment.
    static func pathSegment(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: unreserved) ?? id
    }

    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// "2026-11-23 02:27:11", in UTC.
    static func timestamp(_ seconds: Double) -> String {
        timestampStyle.format(Date(timeIntervalSince1970: seconds))
    }

    // A value type, made once: an `ISO8601DateFormatter` per timestamp was a sixtieth of the review server's CPU.
    private static let timestampStyle = Date.ISO8601FormatStyle(
        dateSeparator: .dash, dateTimeSeparator: .space, timeSeparator: .colon, timeZone: .gmt
    ).year().month().day().time(includingFractionalSeconds: false)
}
