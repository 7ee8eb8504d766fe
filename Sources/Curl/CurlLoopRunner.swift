import CCurl
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The loop-thread half of the event loop: owns the multi handle's transfers and runs
/// `curl_multi_poll` / `curl_multi_perform` / `curl_multi_info_read` until shutdown.
/// Created on, and used only by, the loop thread, so it needs no locking.
final class CurlLoopRunner {
    /// Upper bound on how long the thread sleeps when nothing happens; new work and
    /// shutdown interrupt it through `curl_multi_wakeup`, and libcurl shortens it itself
    /// when one of its own timers (timeouts, retries) is due sooner.
    private static let pollTimeoutMilliseconds: Int32 = 1000
    private static let idleEasyHandles = 16

    private let loop: CurlEventLoop
    /// The strong references to running transfers; removing an entry is the one place that
    /// balances the `passRetained` done when the transfer started.
    private var active: [UInt64: Unmanaged<CurlTransfer>] = [:]
    private var pool = CurlEasyPool(capacity: CurlLoopRunner.idleEasyHandles)

    init(loop: CurlEventLoop) {
        self.loop = loop
    }

    func run() {
        let multi = self.loop.multi
        while true {
            let work = self.loop.takeWork()
            if work.stopping {
                self.tearDown(failing: work.pending)
                return
            }
            for item in work.pending {
                self.start(item)
            }
            for id in work.cancelled {
                self.finish(id) { _ in .failure(CurlError(code: .cancelled, message: "the task was cancelled")) }
            }

            var running: Int32 = 0
            _ = curl_multi_perform(multi, &running)
            self.collectFinishedTransfers()

            if curl_multi_poll(multi, nil, 0, Self.pollTimeoutMilliseconds, nil) != CURLM_OK {
                // Only happens on a broken multi handle or out of memory; don't spin.
                usleep(10_000)
            }
        }
    }

    private func start(_ item: CurlPendingRequest) {
        guard let easy = self.pool.take() else {
            item.continuation.resume(returning: .failure(CurlError(code: .transport, message: "curl_easy_init failed")))
            return
        }
        let transfer = CurlTransfer(id: item.id, request: item.request, easy: easy, continuation: item.continuation)
        do {
            try transfer.configure(proxy: self.loop.configuration.proxy)
        } catch {
            self.pool.recycle(easy)
            transfer.complete(.failure(error))
            return
        }
        let code = curl_multi_add_handle(self.loop.multi, easy)
        guard code == CURLM_OK else {
            self.pool.recycle(easy)
            let reason = String(cString: curl_multi_strerror(code))
            transfer.complete(.failure(CurlError(code: .transport, message: "curl_multi_add_handle failed: \(reason)")))
            return
        }
        self.active[item.id] = Unmanaged.passRetained(transfer)
    }

    private func collectFinishedTransfers() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(self.loop.multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            // Copy everything out now: removing the handle invalidates `message`.
            let code = oms_curl_msg_result(message)
            var box: UnsafeMutablePointer<CChar>? = nil
            _ = oms_curl_easy_getinfo_pointer(easy, CURLINFO_PRIVATE, &box)
            guard let box else { continue }
            let id = Unmanaged<CurlTransfer>.fromOpaque(UnsafeRawPointer(box)).takeUnretainedValue().id
            self.finish(id) { transfer in transfer.result(for: code) }
        }
    }

    /// Detaches a running transfer and resumes its caller. Unknown ids (a cancellation that
    /// lost the race against completion) are ignored.
    private func finish(_ id: UInt64, outcome: (CurlTransfer) -> Result<CurlResponse, CurlError>) {
        guard let reference = self.active.removeValue(forKey: id) else { return }
        let transfer = reference.takeRetainedValue()
        _ = curl_multi_remove_handle(self.loop.multi, transfer.easy)
        // Read status and headers before the reset wipes the handle's info.
        let result = outcome(transfer)
        self.pool.recycle(transfer.easy)
        transfer.complete(result)
    }

    private func tearDown(failing pending: [CurlPendingRequest]) {
        let shutdown = CurlError(code: .shutdown, message: "the client was shut down")
        for item in pending {
            item.continuation.resume(returning: .failure(shutdown))
        }
        for id in Array(self.active.keys) {
            self.finish(id) { _ in .failure(shutdown) }
        }
        for item in self.loop.close() {
            item.continuation.resume(returning: .failure(shutdown))
        }
        self.pool.drain()
        _ = curl_multi_cleanup(self.loop.multi)
        self.loop.finish()
    }
}
