import Foundation
import LoomCore

/// The recipe's `cost_limit` as one model stage sees it: what the run's model calls may cost in all, over every
/// stage and every invocation of the run.
///
/// A stage sends no new request once what the run has paid, plus what the requests in flight and the next one are
/// expected to cost (this stage's average per call so far), would pass the limit. Until a stage has an average
/// (its first reply), it sends one request at a time. Requests in flight are still received and saved, so the run
/// goes over the limit only by what a request costs above the stage's average.
struct SpendLimit: Sendable {
    /// The limit, in dollars.
    let dollars: Double
    /// What the run's other stages have paid, over every invocation, when this stage starts.
    let paidElsewhere: Double

    /// Whether another request may go out, given this stage's spend so far and the number of requests in flight.
    func allowsAnother(_ stage: SpendTally.Totals, inFlight: Int) -> Bool {
        let paid = paidElsewhere + stage.cost
        guard stage.calls > 0 else { return inFlight == 0 && paid < dollars }
        return paid + stage.cost / Double(stage.calls) * Double(inFlight + 1) <= dollars
    }

    /// The error that ends the run when the limit has stopped a stage with items left to send.
    func reachedError(stage: Stage, paid stageCost: Double, left: Int) -> LoomError {
        LoomError(
            .usage,
            String(format: "the run's model calls have cost $%.4f of its $%.4f limit", paidElsewhere + stageCost, dollars)
                + ", so \(stage.rawValue) sent no more requests (\(left) item(s) left); the replies received are saved and nothing is paid twice: raise cost_limit in the recipe and run again to go on, or `loom export` what is done",
            subject: "cost_limit")
    }
}
