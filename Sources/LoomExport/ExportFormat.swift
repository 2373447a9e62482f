import LoomStore

/// The training formats `loom export` writes, each as its consumer reads it (`docs/EXPORTS.md`).
public enum ExportFormat: String, Sendable, CaseIterable, Codable {
    /// LLaVA-1.5 JSON (`data.json`): single-image records.
    case llava
    /// Mantis local JSON (`data.json`): multi-image records.
    case mantis
    /// Mantis in its Hugging Face form (`data.jsonl`: `conversation` with role/content, images as `{bytes, path}`).
    case mantisHF = "mantis-hf"
    /// MIMIC-IT: `P_instructions.json`, the images table `P.json` (base64) and `P_train.json` (in-context ids).
    case mimicit
    /// LLaMA-Factory `sharegpt` formatting with `images` (`data.json`) and its `dataset_info.json` entry.
    case llamafactory
    /// Hugging Face TRL conversational vision format (`data.jsonl`, typed content parts).
    case trl
    /// OpenAI chat JSONL with images embedded as data URLs.
    case openai
    /// WebDataset tar shards with a wids shard list and a per-shard index.
    case webdataset
    /// A Hugging Face dataset folder: `data/<split>.jsonl`, `images/` and a `README.md` dataset card.
    case hf

    /// Which records the format takes when the selection does not say: LLaVA single-image, Mantis multi-image.
    public var defaultMedia: RecordSelection.Media {
        switch self {
        case .llava: .single
        case .mantis, .mantisHF: .multiple
        // Otter's image groups stack a batch's images: a text-only instruction fails its batch.
        case .mimicit: .some
        default: .any
        }
    }

    /// Whether the format's conversations are the stored ShareGPT text unchanged (`ConversationJSON.appendShareGPT`).
    var writesStoredShareGPT: Bool { self == .llava || self == .mantis }

    /// Whether the format carries images inside its own files (so nothing is placed in `images/`).
    var embedsImages: Bool {
        switch self {
        case .openai, .mimicit, .webdataset: true
        default: false
        }
    }
}
