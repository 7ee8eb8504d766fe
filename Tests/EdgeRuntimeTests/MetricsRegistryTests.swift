import TestSupport
import Testing
@testable import EdgeRuntime

@Suite struct MetricsRegistryTests {
    /// Each described family gets its `# HELP` line before its `# TYPE`; one that is not
    /// described is what the scrape check reports.
    @Test func describedFamiliesCarryTheirHelp() {
        let registry = MetricsRegistry()
        registry.describe("oms_test_total", "Things counted, by kind.\nSecond line with a \\ backslash.")
        registry.counter("oms_test_total", [("kind", "a")]).increment()
        registry.describe("oms_test_seconds", "How long things took.")
        registry.timer("oms_test_seconds").recordMilliseconds(3)
        let text = String(decoding: registry.render(), as: UTF8.self)
        #expect(PrometheusText.problems(text).isEmpty, "\(PrometheusText.problems(text))")
        #expect(text.contains("# HELP oms_test_total Things counted, by kind.\\nSecond line with a \\\\ backslash.\n# TYPE oms_test_total counter"))
        #expect(PrometheusText.families(text) == ["oms_test_total", "oms_test_seconds"])

        registry.gauge("oms_test_undescribed").record(1)
        let missing = PrometheusText.problems(String(decoding: registry.render(), as: UTF8.self))
        #expect(missing == ["no HELP before TYPE of oms_test_undescribed"])
    }
}
