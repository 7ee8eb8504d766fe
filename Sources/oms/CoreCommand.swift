import ArgumentParser
import Core
import EdgeRuntime
import Hummingbird
import ServiceLifecycle

struct CoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "core",
        abstract: "Take document requests and move each one through validation, enrichment and Thunderhead.",
        discussion: """
            POST /v1/requests (Idempotency-Key required) stores a request durably and answers 202; \
            GET /v1/requests/{id} gives its status and history, /v1/requests/{id}/errors its \
            failures, GET /v1/requests?status= lists them. Jobs inside the service claim due \
            requests under a lease and call refdata (validation, enrichment) and the SOAP bridge \
            (submission, status); failures are retried with backoff, then FAILED. A batch is \
            recorded SUBMITTING before it is sent, and one found SUBMITTING is looked up in \
            Thunderhead before it is sent again; when nobody can tell, the request waits as \
            UNCERTAIN for an operator (POST /v1/requests/{id}/resolve, or the console). Each final \
            status is written with a CloudEvent in the outbox, which a relay publishes to Kafka \
            (idempotent producer, acks=all) and marks sent on its delivery report. The operator \
            console: GET /ops (overview and charts), /ops/requests (filters, search, pages), \
            /ops/requests/{id}, reruns (POST /ops/rerun/{id}, POST /ops/rerun for a filter), and \
            confirm or resubmit (POST /ops/resolve/{id}).
            Keys: server.host, server.port (8084), server.max_body_bytes (1 MiB), database.url \
            (sqlite:PATH, the default sqlite:oms.db, or postgres://…?sslmode=verify-full&sslrootcert=…), \
            database.password(_file), database.tls.*, database.timeout_ms (5000), \
            refdata.url (http://127.0.0.1:8083), soap_bridge.url (http://127.0.0.1:8082), \
            refdata.tls.*, soap_bridge.tls.*, refdata.client.* and soap_bridge.client.* (the core's \
            own token from the client-credentials grant: token_url, client_id, client_secret(_file), \
            scope, tls.*), soap_bridge.batch_lookup (true: the bridge answers \
            GET /thunderhead/v1/batch-names/{name}), \
            jobs.enabled (true), jobs.interval_ms (200), jobs.batch_size (32), jobs.lease_s (30), jobs.max_attempts (5), \
            jobs.backoff_base_ms (500), jobs.call_timeout_ms (10000), retention.finished_days (90; 0 keeps all), kafka.brokers (host:port list; \
            absent: events stay in the outbox), kafka.topic (oms.document.status), kafka.batch_size (2000), \
            kafka.interval_ms (200), kafka.message_timeout_ms (10000), kafka.sent_retention_h (168: sent \
            events are deleted after a week), kafka.security_protocol (plaintext|ssl|sasl_plaintext|\
            sasl_ssl), kafka.sasl_mechanism (PLAIN|SCRAM-SHA-256|SCRAM-SHA-512), kafka.sasl_username, \
            kafka.sasl_password(_file), kafka.tls.*, kafka.properties (further librdkafka settings), \
            log.level. The .tls.* keys are ca_file, cert_file, key_file, server_name and \
            insecure_skip_verify (local tests only); verification is always on otherwise.
            Every caller needs a bearer token (access.*, required): access.jwks.file|url and \
            access.token.issuers|audiences|allowed_domains as oms auth's, access.scopes.intake \
            (documents.write), .status (documents.read) and .rerun (operator, also resolve and /ops); \
            access.mode: none answers anyone (local tests only). /healthz, /readyz and /metrics stay open.
            """
    )

    @OptionGroup var options: RoleOptions

    func run() async throws {
        try await options.run("oms.core", configure: CoreConfiguration.init(reader:)) { configuration, logger in
            try await CoreRole.start(configuration: configuration, logger: logger)
        }
    }
}
