import CCurl

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A plain POSIX thread. The loop must block in `curl_multi_poll`, which would starve Swift
/// concurrency's cooperative pool (2 threads on a 2-core box) or a NIO event loop, so it
/// gets an OS thread of its own.
struct CurlThread: Sendable {
    /// What the new thread runs; handed over as a retained pointer and released by it.
    fileprivate final class Entry {
        let name: String
        let body: @Sendable () -> Void

        init(name: String, body: @escaping @Sendable () -> Void) {
            self.name = name
            self.body = body
        }

        func run() {
            #if canImport(Darwin)
            pthread_setname_np(self.name)
            #else
            oms_curl_set_thread_name(self.name)
            #endif
            self.body()
        }
    }

    #if canImport(Darwin)
    // pthread_t is a pointer on Darwin; it is only ever used once, to join or detach.
    private nonisolated(unsafe) let handle: pthread_t
    #else
    private let handle: pthread_t
    #endif

    static func start(name: String, _ body: @escaping @Sendable () -> Void) -> CurlThread {
        let entry = Unmanaged.passRetained(Entry(name: name, body: body)).toOpaque()
        #if canImport(Darwin)
        var handle: pthread_t? = nil
        let rc = pthread_create(&handle, nil, curlThreadMain, entry)
        precondition(rc == 0, "pthread_create failed: \(rc)")
        return CurlThread(handle: handle!)
        #else
        var handle = pthread_t()
        let rc = pthread_create(&handle, nil, curlThreadMain, entry)
        precondition(rc == 0, "pthread_create failed: \(rc)")
        return CurlThread(handle: handle)
        #endif
    }

    private init(handle: pthread_t) {
        self.handle = handle
    }

    /// Call at most once, and not together with `detach()`.
    func join() {
        let rc = pthread_join(self.handle, nil)
        precondition(rc == 0, "pthread_join failed: \(rc)")
    }

    /// Call at most once, and not together with `join()`.
    func detach() {
        pthread_detach(self.handle)
    }
}

#if canImport(Darwin)
private func curlThreadMain(_ argument: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer? {
    Unmanaged<CurlThread.Entry>.fromOpaque(argument).takeRetainedValue().run()
    return nil
}
#else
private func curlThreadMain(_ argument: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    Unmanaged<CurlThread.Entry>.fromOpaque(argument!).takeRetainedValue().run()
    return nil
}
#endif
