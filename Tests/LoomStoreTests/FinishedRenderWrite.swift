@testable import LoomStore

/// A write that marks sample `smp-<n>` done in the render stage: the smallest commit a test can make.
func finishedRenderWrite(_ n: Int) -> StoreWrite {
    StoreWrite(ledger: [LedgerEntry(item: "smp-\(n)", stage: "render", status: .done)])
}
