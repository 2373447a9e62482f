import LoomRecipe

/// The stages a sample goes through. Each has a ledger row per sample.
public enum Stage: String, Sendable, CaseIterable, Codable {
    /// Read, identify, normalize and hash the files of the user's collections (one ledger row per file path).
    case ingest
    /// Read the user's videos: probe, take frames, fit their timestamped annotations, ask and check temporal
    /// questions (one ledger row per video file).
    case video
    /// Ask and check questions grounded in the annotations of ingested images (one ledger row per sample).
    case ground
    /// Turn the rows of existing datasets into records (one ledger row per dataset row).
    case convert
    /// Compose the scene's ground truth, draw and encode its images.
    case render
    /// Instantiate the templates into records.
    case generate
    /// Recompute every answer independently and flag disagreements.
    case check
    /// A detailed caption per ingested image from a vision model (one ledger row per image).
    case caption
    /// MMInstruct questions (one ledger row per image, domain and question type).
    case questions
    /// MMInstruct multi-round conversations (one ledger row per image).
    case conversation
    /// Mantis Multi-VQA over sets of images (one ledger row per set).
    case multiVQA = "multi_vqa"
    /// MIMIC-IT Syphus subsets (one ledger row per subset and sample).
    case syphus
    /// The judge model's verdict on model-written records (one ledger row per record).
    case verify
    /// Validators, grounding check, deduplication and balancing over every record (progress kept in the store's
    /// meta table, not the ledger).
    case quality
    /// Translate records into other languages (one ledger row per record and language), after quality.
    case translate
    /// Choose each record's in-context examples (MIMIC-IT's rel_ins_ids), after quality (meta table, not ledger).
    case inContext = "in_context"
    /// Write the training formats (one ledger row per export).
    case export
}

extension Stage {
    /// The model stages, in the order a run takes them (translate last, after the quality stage).
    static let modelStages: [Stage] = [.caption, .questions, .conversation, .multiVQA, .syphus, .verify, .translate]
}

extension ModelStages {
    /// The model stages this recipe names, in the order a run takes them.
    var stages: [Stage] {
        let named: [(Stage, Bool)] = [
            (.caption, caption != nil), (.questions, questions != nil), (.conversation, conversation != nil),
            (.multiVQA, multiVQA != nil), (.syphus, syphus != nil), (.verify, verify != nil), (.translate, translate != nil),
        ]
        return named.filter(\.1).map(\.0)
    }
}
