import LoomCore
import LoomInstruct
import LoomLLM
import LoomQuality
import LoomRecipe
import LoomStore

/// MIMIC-IT's translation step: every unflagged record in the source language (not itself a translation) is
/// translated into each target language by one structured call. The reply must keep the `<image>`
/// placeholders, the numbers and the option letters (`TranslationCheck`); when it does not, the model gets a
/// correction turn naming what it dropped, and an item whose corrections all fail is recorded as failed with the
/// reason (its reply kept). A translation is a new record on the same sample and media, with the same type,
/// domain, skill and answer key, its language set, and `provenance.translatedFrom` naming its source. It runs
/// after the quality stage, so only records that passed it are translated.
struct TranslateStage: Sendable {
    let settings: ModelStages.Translate
    let context: ModelStageContext
    let endpoints: ModelEndpoints

    /// Fails before any call when the recipe names a language the translate prompt does not.
    static func check(_ settings: ModelStages.Translate, prompts: PromptCatalog) throws {
        let known = prompts.translate.languages
        for language in settings.languages + [settings.from] where known[language] == nil {
            throw LoomError(
                .recipe, "'\(language)' is not a language of the translate prompt (\(known.keys.sorted().joined(separator: ", ")))",
                subject: "stages.translate")
        }
        if settings.languages.contains(settings.from) {
            throw LoomError(.recipe, "the records are already in '\(settings.from)': leave it out of languages", subject: "stages.translate.languages")
        }
    }

    /// One call's work: a record into a language. The ledger item is `RECORD>LANGUAGE`.
    struct Item: Sendable {
        var recordID: String
        var language: String
        var id: String { recordID + ">" + language }
    }

    func run() async throws -> StageCounts {
        let (client, endpoint) = try endpoints.endpoint(settings.call.endpoint)
        let task = TranslateTask(catalog: context.prompts, sampling: settings.call.sampling)
        let store = context.store
        let sources = try store.translatableRecordIDs(language: settings.from)
        let items = sources.flatMap { id in settings.languages.map { Item(recordID: id, language: $0) } }
        let runner = ModelItemRunner(stage: .translate, client: client, endpoint: endpoint, call: settings.call, context: context)
        let validator = QualityStage.validator(context.recipe.quality)
        return try await runner.run(items, id: \.id) { item, call in
            guard let source = try store.record(id: item.recordID) else {
                throw ModelItemFailure(reason: "the record is no longer in the store")
            }
            let request = task.request(model: endpoint.model, record: source, target: item.language)
            // A translation cut off at max_tokens is not asked again for a shorter one: it would leave text out.
            let (texts, provenance) = try await call.structured(request, prompt: "translate", correctsCutOffs: false) { value throws(ReplyProblem) in
                let texts = try TranslateTask.decode(value, source: source)
                try Self.checkLanguage(Self.translation(of: source, texts, language: item.language, model: nil), source: source, validator: validator)
                return texts
            }
            var translation = Self.translation(of: source, texts, language: item.language, model: provenance)
            // The quality stage ran before the translations: their language-neutral problems are flagged here.
            translation.flags = validator.languageNeutralFlags(for: translation)
            return StoreWrite(records: [translation], ledger: [LedgerEntry(item: item.id, stage: Stage.translate.rawValue, status: .done)])
        }
    }

    /// The translated record of `source` in `language`.
    static func translation(of source: Record, _ texts: TranslatedTexts, language: String, model: ModelProvenance?) -> Record {
        let turns = zip(source.turns, texts.turns).map { Turn(role: $0.role, text: $1) }
        return Record(
            id: StableID.derive("rec", source.id, "translation", language), sampleID: source.sampleID, media: source.media,
            turns: turns, type: source.type, domain: source.domain, skill: source.skill, language: language,
            options: texts.options, answerKey: source.answerKey, checks: [],
            provenance: Provenance(
                generator: ValidationSettings.translationGenerator, template: "translate", phrasing: 0, seed: source.provenance.seed,
                model: model, translatedFrom: source.id))
    }

    /// Refuses a reply that is not in the language asked for: the source given back untranslated, text that reads
    /// as another language (Chinese asked, Japanese given), a turn given back untranslated while the others were
    /// translated, or a turn much shorter or longer than its source (condensed, or running on). The model is
    /// told, and may correct it.
    static func checkLanguage(_ translation: Record, source: Record, validator: RecordValidator) throws(ReplyProblem) {
        let target = translation.language
        let words = translation.turns.reduce(0) { $0 + $1.text.split(whereSeparator: \.isWhitespace).count }
        if translation.turns.map(\.text) == source.turns.map(\.text), words >= 4, target != source.language {
            throw ReplyProblem("the reply gives the record back untranslated; translate it into \(target)")
        }
        if let flag = validator.flags(for: translation).first(where: { $0.code == QualityCode.language }) {
            throw ReplyProblem("\(flag.reason); translate it into \(target)")
        }
        for (index, (original, translated)) in zip(source.turns, translation.turns).enumerated() where target != source.language {
            // A turn given back as it was, long enough to tell its language (a one-word answer may rightly stay as it
            // is: a name, a sign). Only given back whole: a translation may keep a sign's words, or a passage it
            // transcribes, in the source's language.
            if ModelText.comparisonKey(translated.text) == ModelText.comparisonKey(original.text),
                TextLanguage.guess(original.text) == source.language
            {
                throw ReplyProblem("turns[\(index)] is still in \(source.language): translate every text into \(target)")
            }
            if let problem = TranslationLength.problem(source: original.text, translated: translated.text, from: source.language, target: target) {
                throw ReplyProblem("turns[\(index)] \(problem)")
            }
        }
        for (index, (original, translated)) in zip(source.options ?? [], translation.options ?? []).enumerated() {
            if let problem = TranslationLength.problem(source: original, translated: translated, from: source.language, target: target) {
                throw ReplyProblem("options[\(index)] \(problem)")
            }
        }
    }
}
