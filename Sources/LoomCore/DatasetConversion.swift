/// How one existing dataset becomes Loom records: which file, which task, which of its columns play which
/// part. Mantis built much of its training mix this way, from NLVR2-style statement pairs, image-difference
/// captions and multiple choice among images.
public struct DatasetConversion: Codable, Sendable, Hashable {
    /// What each row asks.
    public enum Task: String, Codable, Sendable, Hashable, CaseIterable {
        /// Two or more images and a statement about them that is true or false (NLVR2): becomes multiple choice
        /// between True and False, in shuffled order.
        case statementPair = "statement_pair"
        /// Two images and a description of how they differ (Spot-the-Diff, Birds-to-Words): becomes a long answer.
        case imageDifference = "image_difference"
        /// Several images, a question or caption, and which image answers it: becomes multiple choice with the
        /// images as the options, shown in shuffled order.
        case imageChoice = "image_choice"
    }

    /// The dataset's columns for each part. `images` is a list of columns, one image each, or a single column
    /// holding a list of paths.
    public struct Columns: Codable, Sendable, Hashable {
        public var images: [String]
        /// statement_pair: the statement.
        public var statement: String?
        /// statement_pair: whether it holds; image_choice: which image is right (a number, a letter or the path).
        public var label: String?
        /// image_difference: the description of the differences.
        public var difference: String?
        /// image_difference and image_choice: a question written in the row (optional for image_difference).
        public var question: String?
        /// image_choice: a caption the right image matches, when the row has no question.
        public var caption: String?

        public init(
            images: [String], statement: String? = nil, label: String? = nil, difference: String? = nil,
            question: String? = nil, caption: String? = nil
        ) {
            self.images = images
            self.statement = statement
            self.label = label
            self.difference = difference
            self.question = question
            self.caption = caption
        }
    }

    /// The dataset file: `.jsonl`, `.json` or `.csv`. Relative to the recipe's folder as written in the recipe.
    public var file: String
    public var task: Task
    /// The folder image paths are relative to; nil means the dataset file's folder.
    public var imageRoot: String?
    public var columns: Columns
    /// Label values that mean true (compared without case); any other value of `falseValues` means false.
    public var trueValues: [String]
    public var falseValues: [String]
    /// image_choice: whether a numeric label counts images from 0 or from 1.
    public var labelBase: Int
    public var domain: Domain
    public var skill: Skill

    public init(
        file: String, task: Task, imageRoot: String? = nil, columns: Columns,
        trueValues: [String] = ["true", "1", "yes"], falseValues: [String] = ["false", "0", "no"], labelBase: Int = 0,
        domain: Domain? = nil, skill: Skill? = nil
    ) {
        self.file = file
        self.task = task
        self.imageRoot = imageRoot
        self.columns = columns
        self.trueValues = trueValues
        self.falseValues = falseValues
        self.labelBase = labelBase
        self.domain = domain ?? Self.defaultDomain(task)
        self.skill = skill ?? Self.defaultSkill(task)
    }

    /// Statement pairs and differences compare images; choosing an image links a text to one of them.
    public static func defaultDomain(_ task: Task) -> Domain {
        switch task {
        case .statementPair: "complex_reasoning"
        case .imageDifference, .imageChoice: "image_comparison"
        }
    }

    public static func defaultSkill(_ task: Task) -> Skill {
        switch task {
        case .statementPair: .reasoning
        case .imageDifference: .comparison
        case .imageChoice: .coreference
        }
    }
}

/// What one row of a converted dataset says, by task.
public enum DatasetRowContent: Codable, Sendable, Hashable {
    case statement(String, holds: Bool)
    case difference(String, question: String?)
    /// `correct` is the position (from 0) of the right image among the row's images.
    case choice(question: String?, caption: String?, correct: Int)
}

/// The ground truth of a converted row: the answer its dataset gives, which Loom cannot see for itself but
/// must carry into the record unchanged (through shuffled options and reordered images).
public struct ConvertedTruth: Codable, Sendable, Hashable {
    public var kind: SampleKind
    /// The row it came from, "file.jsonl:12".
    public var source: String
    /// The dataset's answer in the record's terms: "True"/"False", the difference text, or the right image's
    /// position as shown.
    public var answer: FactValue

    public init(kind: SampleKind, source: String, answer: FactValue) {
        self.kind = kind
        self.source = source
        self.answer = answer
    }
}
