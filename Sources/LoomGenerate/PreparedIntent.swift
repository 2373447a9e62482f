import LoomCore

/// A template with what generation needs of it worked out once, when the generator is made: its intent, and the
/// names its records carry. Generation makes records by the million; looking the intent up by name and building
/// these strings for every sample was a measurable part of it. A class: the loop over a sample's intents then
/// copies one reference, not the template's dozen arrays and strings.
final class PreparedIntent: Sendable {
    let template: IntentTemplate
    /// nil when the library has no intent of that name.
    let intent: Intent?
    /// "domain.intent": the template's name in a record's provenance.
    let name: String
    /// The slots a record's id is derived from, per question type.
    let judgementYesSlot: String
    let judgementNoSlot: String
    let multipleChoiceSlot: String
    let shortSlot: String

    init(_ template: IntentTemplate, domain: Domain) {
        self.template = template
        name = "\(domain).\(template.id)"
        intent = IntentLibrary.intents[name]
        judgementYesSlot = "\(name).judgement.yes"
        judgementNoSlot = "\(name).judgement.no"
        multipleChoiceSlot = "\(name).multiple_choice"
        shortSlot = "\(name).short_vqa"
    }
}

/// One domain's templates, prepared.
struct PreparedDomain: Sendable {
    let domain: Domain
    let distractors: [String]
    let intents: [PreparedIntent]

    init(_ templates: DomainTemplates) {
        domain = templates.domain
        distractors = templates.distractors ?? []
        intents = templates.intents.map { PreparedIntent($0, domain: templates.domain) }
    }
}
