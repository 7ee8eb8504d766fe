import CoreMetrics
import EdgeRuntime

/// The cache's and the database's counters, as `/metrics` shows them.
final class RefDataMetrics: Sendable {
    let nearHits: Counter
    let hits: Counter
    let misses: Counter
    /// Reads that skipped Redis: down, breaker open, or flushing after lost invalidations.
    let bypasses: Counter
    let fills: Counter
    let invalidations: Counter
    let failedInvalidations: Counter
    let redisErrors: Counter
    let databaseReads: Counter
    let databaseTime: Timer
    /// 1 while the near cache is in use (its invalidation channel is up), else 0.
    let nearCacheLive: Gauge

    init(registry: MetricsRegistry) {
        registry.describe("oms_refdata_cache_reads_total", "Reads of reference data, by where they were answered (near_hit, hit, miss, bypass).")
        registry.describe("oms_refdata_cache_fills_total", "Entries stored in Redis after a miss, under their lease.")
        registry.describe("oms_refdata_cache_invalidations_total", "Invalidations after writes, by result (ok, failed).")
        registry.describe("oms_refdata_redis_errors_total", "Redis calls that failed (error, timeout, refused handshake or login).")
        registry.describe("oms_refdata_database_reads_total", "Reads that went to the database.")
        registry.describe("oms_refdata_database_seconds", "Duration of database reads.")
        registry.describe("oms_refdata_near_cache_live", "1 while the in-process near cache is in use (its invalidation channel is up), else 0.")
        nearHits = registry.counter("oms_refdata_cache_reads_total", [("result", "near_hit")])
        hits = registry.counter("oms_refdata_cache_reads_total", [("result", "hit")])
        misses = registry.counter("oms_refdata_cache_reads_total", [("result", "miss")])
        bypasses = registry.counter("oms_refdata_cache_reads_total", [("result", "bypass")])
        fills = registry.counter("oms_refdata_cache_fills_total")
        invalidations = registry.counter("oms_refdata_cache_invalidations_total", [("result", "ok")])
        failedInvalidations = registry.counter("oms_refdata_cache_invalidations_total", [("result", "failed")])
        redisErrors = registry.counter("oms_refdata_redis_errors_total")
        databaseReads = registry.counter("oms_refdata_database_reads_total")
        databaseTime = registry.timer("oms_refdata_database_seconds")
        nearCacheLive = registry.gauge("oms_refdata_near_cache_live")
    }
}
