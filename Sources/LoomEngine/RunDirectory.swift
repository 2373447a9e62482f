import Foundation
import LoomCore
import LoomRecipe
import LoomStore

/// A run's folder: its store, its media and its exports, tied to one recipe by a fingerprint.
public struct RunDirectory: Sendable {
    public let url: URL
    public let store: RunStore
    /// The claim of the run working here (`RunLock`); nil for a directory opened to read or review.
    let lock: RunLock?
    /// Whether the run found the prompt files changed since the store's last run (`RecipeRunner.promptsFingerprint`).
    private(set) var promptsChanged = false

    /// What ties a store to a recipe: its settings' fingerprint, its prompts' (nil without model stages), and the
    /// one fingerprint stores made before the two were apart hold.
    struct Fingerprints: Sendable {
        var settings: String
        var prompts: String?
        var legacy: @Sendable () -> String
    }

    /// Meta keys of the store.
    enum Key {
        static let fingerprint = "recipe_fingerprint"
        /// The prompts' fingerprint; absent in stores made before it was kept apart from `fingerprint`.
        static let promptsFingerprint = "prompts_fingerprint"
        static let recipeName = "recipe_name"
        static let recipeFile = "recipe_file"
        static let plannedSamples = "planned_samples"
        static let plannedAnnotatedSamples = "planned_annotated_samples"
        /// The recipe's `cost_limit` in dollars as of its last run ("" for none), for `loom status`.
        static let costLimit = "cost_limit"
        /// The recipe's model stages in the order they run, comma-separated, as of its last run: `loom status`
        /// lists those not started yet.
        static let modelStages = "model_stages"
        /// How many items a model stage planned when it last started, for its pending count.
        static func plannedItems(_ stage: Stage) -> String { "planned_items.\(stage.rawValue)" }
        /// How many of a model stage's done items its last start no longer planned.
        static func unplannedDone(_ stage: Stage) -> String { "unplanned_done.\(stage.rawValue)" }
    }

    /// Opens the run directory a recipe names, relative to the recipe file's folder.
    public static func url(for recipe: Recipe, recipeURL: URL) -> URL {
        if recipe.output.hasPrefix("/") { return URL(fileURLWithPath: recipe.output).standardizedFileURL }
        return recipeURL.deletingLastPathComponent().appendingPathComponent(recipe.output).standardizedFileURL
    }

    /// Opens an existing run directory (for status, inspect, export, review).
    public init(existing url: URL, reads: RunStore.ReadPattern = .scans) throws {
        guard FileManager.default.fileExists(atPath: url.appendingPathComponent(RunStore.fileName).path) else {
            throw LoomError(.usage, "no Loom run here (no \(RunStore.fileName)); give a run directory or a recipe", subject: url.path)
        }
        self.url = url
        store = try RunStore(directory: url, reads: reads)
        lock = nil
    }

    /// The name of the recipe that made the run, as its store remembers it.
    public func recipeName() throws -> String? {
        try store.meta(Key.recipeName)
    }

    /// Opens or creates the run directory for `recipe`, refusing one that holds another recipe's work or that
    /// another run is working in (`RunLock`, held as long as the returned value lives).
    ///
    /// - Parameter fingerprint: the recipe's fingerprint, asked for once the store is open (it may be computed
    ///   meanwhile on another thread).
    /// - Parameter acceptsChangedPrompts: a store an earlier Loom made (one fingerprint of settings and prompts) is
    ///   taken although that fingerprint differs: the user says only the prompts changed.
    init(
        creatingFor recipe: Recipe, recipeURL: URL, acceptsChangedPrompts: Bool = false,
        fingerprints: () async throws -> Fingerprints
    ) async throws {
        url = Self.url(for: recipe, recipeURL: recipeURL)
        let manager = FileManager.default
        do {
            try manager.createDirectory(at: url.appendingPathComponent(SampleWorker.mediaFolder), withIntermediateDirectories: true)
        } catch {
            throw LoomError(.io, "cannot create the run directory: \(FileErrorReason.reason(creating: url, error: error))", subject: url.path)
        }
        guard manager.isWritableFile(atPath: url.path) else {
            throw LoomError(.io, "the run directory is not writable", subject: url.path)
        }
        // Taken before the store is opened or made, so that a second run cannot start one beside this one.
        lock = try RunLock.acquire(in: url)
        store = try RunStore(directory: url)
        let fingerprints = try await fingerprints()
        let claim = [
            (Key.fingerprint, fingerprints.settings), (Key.promptsFingerprint, fingerprints.prompts ?? ""),
            (Key.recipeName, recipe.name), (Key.recipeFile, recipeURL.path),
        ]
        guard let existing = try store.meta(Key.fingerprint, orSetting: claim) else { return }
        let storedPrompts = try store.meta(Key.promptsFingerprint)
        // A store from before the prompts were kept apart holds the settings and prompts in one fingerprint.
        let legacy = storedPrompts == nil
        let matches = legacy ? existing == fingerprints.legacy() : existing == fingerprints.settings
        // Accepted on the user's word only for a store its own recipe made (by name): another recipe's that shares
        // the output folder is still refused.
        let storedName = try store.meta(Key.recipeName)
        let accepted = !matches && legacy && acceptsChangedPrompts && recipe.modelStages.any && storedName == recipe.name
        if accepted {
            promptsChanged = true
            try store.setMeta(claim)
        } else if matches {
            if storedPrompts != (fingerprints.prompts ?? "") {
                promptsChanged = storedPrompts != nil
                try store.setMeta([(Key.fingerprint, fingerprints.settings), (Key.promptsFingerprint, fingerprints.prompts ?? "")])
            }
        } else if try !store.holdsWork() {
            // Nothing was made under the old settings (the run stopped at a mistake found as it started, a
            // source folder's typo say): the corrected recipe takes the store over.
            try store.setMeta(claim)
        } else {
            let name = try store.meta(Key.recipeName) ?? "another recipe"
            let file = try store.meta(Key.recipeFile).map { " (\($0))" } ?? ""
            // A store from an earlier Loom whose model stages ran: its one fingerprint also covered the prompts,
            // which a new Loom may ship changed.
            let upgrade = storedPrompts == nil && recipe.modelStages.any
                ? " (or a Loom from before November 2026 made it, whose fingerprint covered its shipped prompts, which this Loom changed: if the recipe is the same, `loom run --accept-changed-prompts` resumes it with this Loom's prompts)"
                : ""
            throw LoomError(
                .usage,
                "this run directory holds the store of '\(name)'\(file), made with different settings\(upgrade); Loom will not mix two recipes' work. Set another 'output' in the recipe, or delete the folder to start over",
                subject: url.path)
        }
    }
}

extension LoomError {
    /// The error that stops a stage when the run directory refuses a write (a full disk, a read-only mount, lost
    /// permissions): not the input's fault, so no file is rejected for it, and what is done stays done.
    static func cannotWriteRun(_ runDirectory: URL, reason: String) -> LoomError {
        LoomError(
            .store,
            "cannot write into the run directory (\(reason)); is the disk full or read-only? Free space or fix the permissions, then run again (finished work is kept)",
            subject: runDirectory.path)
    }
}
