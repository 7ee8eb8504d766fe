import Redis
import TLS
import Testing

@Suite(.serialized)
struct RedisEndpointTests {
    @Test(arguments: [
        ("redis://localhost", RedisEndpoint(host: "localhost", port: 6379, database: 0)),
        ("redis://127.0.0.1:6380", RedisEndpoint(host: "127.0.0.1", port: 6380, database: 0)),
        ("redis://cache.internal:6380/3", RedisEndpoint(host: "cache.internal", port: 6380, database: 3)),
        ("redis://cache/", RedisEndpoint(host: "cache", port: 6379, database: 0)),
        ("redis://cache/15", RedisEndpoint(host: "cache", port: 6379, database: 15)),
        ("REDIS://Cache:1/0", RedisEndpoint(host: "Cache", port: 1, database: 0)),
        ("redis://my_host-1.example.com:65535/2", RedisEndpoint(host: "my_host-1.example.com", port: 65535, database: 2)),
        ("redis://[::1]", RedisEndpoint(host: "::1", port: 6379, database: 0)),
        ("redis://[::1]:6380/2", RedisEndpoint(host: "::1", port: 6380, database: 2)),
    ])
    func parsesValidURLs(url: String, expected: RedisEndpoint) throws {
        #expect(try RedisEndpoint(url: url) == expected)
    }

    @Test(arguments: [
        "",
        "localhost:6379",
        "redis:/host",
        "http://host",
        "unix:///tmp/redis.sock",
        "redis://",
        "redis:///0",
        "redis://:6379",
        "redis://host:",
        "redis://host:0",
        "redis://host:65536",
        "redis://host:99999999999999999999",
        "redis://host:-1",
        "redis://host:+80",
        "redis://host:6379x",
        "redis://host:6379:1",
        "redis://host:٣",
        "redis://host/abc",
        "redis://host/-1",
        "redis://host/+1",
        "redis://host/1/2",
        "redis://host//",
        "redis://host/1.5",
        "redis://host/9999999999",
        "redis://user:pass@host",
        "redis://:pass@host:6379",
        "redis://host?db=1",
        "redis://host/0?timeout=1",
        "redis://host#frag",
        "redis://%68ost",
        "redis://ho st",
        " redis://host",
        "redis://host\n",
        "redis://host\r\n/1",
        "redis://host\u{0}evil",
        "redis://hôst",
        "redis://-host",
        "redis://.host",
        "redis://a..b",
        "redis://a/b\\c",
        "redis://[::1",
        "redis://[::1]x",
        "redis://[]",
        "redis://[zz::1]",
        "redis://[127.0.0.1]",
        "redis://" + String(repeating: "a", count: 254),
        "redis://host/" + String(repeating: "1", count: 2000),
    ])
    func rejectsInvalidURLs(url: String) {
        let error = #expect(throws: RedisError.self) { try RedisEndpoint(url: url) }
        #expect(error?.code == .invalidURL)
        #expect(error?.message.hasPrefix("invalid Redis URL: ") == true)
    }

    @Test func tlsURLsConnectOverTLSOn6380ByDefault() throws {
        #expect(try RedisEndpoint(url: "rediss://cache:6390/1") == RedisEndpoint(host: "cache", port: 6390, database: 1, tls: TLSSettings()))
        #expect(try RedisEndpoint(url: "rediss://oms.redis.cache.windows.net") == RedisEndpoint(host: "oms.redis.cache.windows.net", port: 6380, tls: TLSSettings()))
        #expect(try RedisEndpoint(url: "REDISS://cache").tls != nil)
        #expect(try RedisEndpoint(url: "redis://cache").tls == nil)
        #expect(try RedisEndpoint(url: "redis://cache").port == 6379)
    }

    @Test func explainsWhyCredentialsAreRejected() {
        for url in ["redis://admin:secret@cache", "rediss://:secret@cache"] {
            let error = #expect(throws: RedisError.self) { try RedisEndpoint(url: url) }
            #expect(error?.message.contains("redis.password") == true)
            #expect(error?.message.contains("secret") == false)
        }
    }

    @Test func credentialsDoNotPrintThePassword() {
        let credentials = RedisCredentials(username: "oms", password: "hunter2")
        #expect(!"\(credentials)".contains("hunter2"))
        let endpoint = RedisEndpoint(host: "h", credentials: credentials)
        #expect(!"\(endpoint)".contains("hunter2"), "\(endpoint)")
        #expect(!String(reflecting: endpoint).contains("hunter2"))
    }
}
