import EdgeRuntime

extension RedisEndpoint {
    /// `redis.url` with `redis.tls.*`, `redis.username` and `redis.password(_file)`.
    public static func read(_ reader: ConfigReader) throws(ConfigError) -> RedisEndpoint? {
        let url = try reader.nonEmptyString("redis.url")
        let tls = try reader.tls("redis")
        let username = try reader.nonEmptyString("redis.username")
        let password = try reader.secret("redis.password")
        guard let url else {
            if !tls.isDefault || username != nil || password != nil {
                throw ConfigError(key: "redis.url", "redis.tls, redis.username and redis.password need redis.url")
            }
            return nil
        }
        var endpoint: RedisEndpoint
        do {
            endpoint = try RedisEndpoint(url: url)
        } catch {
            throw ConfigError(key: "redis.url", error.message)
        }
        if endpoint.tls != nil {
            endpoint.tls = tls
        } else if !tls.isDefault {
            throw ConfigError(key: "redis.tls", "is set, but redis.url is redis:// (plain text): use rediss://")
        }
        switch (username, password) {
        case (nil, nil): break
        case (_, let password?): endpoint.credentials = RedisCredentials(username: username, password: password.value)
        case (.some, nil): throw ConfigError(key: "redis.username", "needs redis.password or redis.password_file")
        }
        if endpoint.credentials != nil, endpoint.tls == nil, !LoopbackHost.contains(endpoint.host) {
            reader.warn("redis.url", "the Redis password goes to \(endpoint.host) in plain text: use rediss://")
        }
        return endpoint
    }
}
