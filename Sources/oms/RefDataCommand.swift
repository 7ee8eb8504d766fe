import ArgumentParser
import EdgeRuntime
import Hummingbird
import RefData

struct RefDataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refdata",
        abstract: "Serve reference data (CRUD over REST) from the OMS database, with a Redis cache.",
        discussion: """
            GET/PUT/DELETE /refdata/v1/{kind}/{key} and GET /refdata/v1/{kind} (paged). Items \
            carry versions: ETag, If-Match (412) and If-None-Match (304) work. Reads go through \
            Redis (cache-aside with leases, so a replaced value is never put back) and an optional \
            in-process near cache; without Redis, or while it is down, reads use the database.
            Keys: server.host, server.port (8083), server.max_body_bytes (64 KiB), database.url \
            (sqlite:PATH, the default sqlite:oms.db, or postgres://user@host:port/db, with libpq's \
            sslmode and sslrootcert), database.password(_file), database.tls.*, \
            database.timeout_ms (5000, PostgreSQL), \
            redis.url (redis://host:port/db, rediss:// for TLS; absent = no cache), redis.username, \
            redis.password(_file), redis.tls.*, redis.connect_timeout_ms (250), redis.timeout_ms (50), \
            redis.breaker_ms (1000), redis.connections (8), cache.ttl_s (300), \
            cache.negative_ttl_s (30), cache.jitter (0.1), cache.lease_ms (2000), \
            cache.near.enabled (false), cache.near.max_entries (10000), cache.near.ttl_s (60), \
            log.level. The .tls.* keys are ca_file, cert_file, key_file, server_name and \
            insecure_skip_verify (local tests only); verification is always on otherwise.
            Every caller needs a bearer token (access.*, required): access.jwks.file|url and \
            access.token.issuers|audiences|allowed_domains as oms auth's, access.scopes.reads \
            (refdata.read) and access.scopes.writes (refdata.admin); access.mode: none answers anyone \
            (local tests only). /healthz, /readyz and /metrics stay open.
            """
    )

    @OptionGroup var options: RoleOptions

    func run() async throws {
        try await options.run("oms.refdata", configure: RefDataConfiguration.init(reader:)) { configuration, logger in
            try await RefDataRole.start(configuration: configuration, logger: logger)
        }
    }
}
