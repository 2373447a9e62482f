import Foundation
import LoomCore
import LoomGenerate
import LoomInstruct
import LoomRecipe
import LoomStore

/// What the model stages did, per stage: items done and failed (over every invocation) and what they cost.
public struct ModelSummary: Sendable, Codable, Hashable {
    public var stages: [String: StageCounts]
    public var spend: [StageSpend]
}

/// Runs the recipe's model stages in order: caption → questions → conversation → multi_vqa → syphus → verify
/// (translate runs later, after the quality stage: `runTranslation`).
/// Each reads what the earlier ones stored, so a resumed run picks up where it stopped.
struct ModelStageSequence: Sendable {
    let context: ModelStageContext

    /// Loads the prompts (the recipe's folder overriding the shipped files) and checks the recipe against them.
    static func prompts(for recipe: Recipe, recipeFolder: URL) throws -> PromptCatalog {
        let overrides = recipe.modelStages.prompts.map { URL(fileURLWithPath: RecipePath.resolve($0, in: recipeFolder)) }
        let catalog = try PromptCatalog.load(overrides: overrides)
        if let syphus = recipe.modelStages.syphus { try SyphusStage.check(syphus, prompts: catalog) }
        if let translate = recipe.modelStages.translate { try TranslateStage.check(translate, prompts: catalog) }
        return catalog
    }

    func run() async throws -> ModelSummary {
        let stages = context.recipe.modelStages
        let endpoints = try ModelEndpoints(recipe: context.recipe, observer: context.observer, stop: context.stop)
        var counts: [String: StageCounts] = [:]
        do {
            if let settings = stages.caption {
                counts[Stage.caption.rawValue] = try await CaptionStage(settings: settings, context: context, endpoints: endpoints).run()
            }
            if let settings = stages.questions {
                counts[Stage.questions.rawValue] = try await QuestionStage(settings: settings, context: context, endpoints: endpoints).run()
            }
            if let settings = stages.conversation {
                counts[Stage.conversation.rawValue] = try await ConversationStage(settings: settings, context: context, endpoints: endpoints).run()
            }
            if let settings = stages.multiVQA {
                counts[Stage.multiVQA.rawValue] = try await MultiVQAStage(settings: settings, context: context, endpoints: endpoints).run()
            }
            if let settings = stages.syphus {
                counts[Stage.syphus.rawValue] = try await SyphusStage(settings: settings, context: context, endpoints: endpoints).run()
            }
            if let settings = stages.verify {
                counts[Stage.verify.rawValue] = try await VerifyStage(settings: settings, context: context, endpoints: endpoints).run()
            }
        } catch {
            await endpoints.shutdown()
            throw error
        }
        await endpoints.shutdown()
        return ModelSummary(stages: counts, spend: try context.store.spend())
    }

    /// The translate stage, which runs after the quality stage (so only records that passed are translated);
    /// `earlier` is what the other model stages did, to which it adds its counts.
    func runTranslation(after earlier: ModelSummary?) async throws -> ModelSummary? {
        guard let settings = context.recipe.modelStages.translate else { return earlier }
        let endpoints = try ModelEndpoints(recipe: context.recipe, observer: context.observer, stop: context.stop)
        let counts: StageCounts
        do {
            counts = try await TranslateStage(settings: settings, context: context, endpoints: endpoints).run()
        } catch {
            await endpoints.shutdown()
            throw error
        }
        await endpoints.shutdown()
        var stages = earlier?.stages ?? [:]
        stages[Stage.translate.rawValue] = counts
        return ModelSummary(stages: stages, spend: try context.store.spend())
    }
}
