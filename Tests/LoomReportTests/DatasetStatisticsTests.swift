import Testing
@testable import LoomReport

@Suite struct DatasetStatisticsTests {
    @Test func emptyStatisticsCountNothing() {
        #expect(DatasetStatistics().records == 0)
    }
}
