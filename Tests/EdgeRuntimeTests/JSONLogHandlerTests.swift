import Foundation
import Logging
import Testing
@testable import EdgeRuntime

@Suite struct JSONLogHandlerTests {
    @Test func writesOneEscapedJSONObjectPerLine() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let sink = JSONLineSink(descriptor: fds[1])
        var logger = Logger(label: "oms.test") { label in JSONLogHandler(label: label, level: .info, sink: sink) }
        logger[metadataKey: "request_id"] = "r-1"
        logger.info("hello \"world\"\nnext", metadata: ["n": .stringConvertible(3), "list": ["a", "b"]])
        logger.debug("not written")
        close(fds[1])
        let data = FileHandle(fileDescriptor: fds[0], closeOnDealloc: true).readDataToEndOfFile()
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(object["msg"] as? String == "hello \"world\"\nnext")
        #expect(object["level"] as? String == "info")
        #expect(object["logger"] as? String == "oms.test")
        #expect(object["request_id"] as? String == "r-1")
        #expect(object["n"] as? String == "3")
        #expect(object["list"] as? [String] == ["a", "b"])
        #expect((object["ts"] as? String)?.hasSuffix("Z") == true)
    }

    @Test func requestIDsFromCallersAreFiltered() {
        #expect(RequestID.accept("abc-123_x.y:z") == "abc-123_x.y:z")
        #expect(RequestID.accept("a b") == nil)
        #expect(RequestID.accept("a\r\nb") == nil)
        #expect(RequestID.accept(String(repeating: "a", count: 129)) == nil)
        #expect(RequestID.accept("") == nil)
        #expect(RequestID.generate().count == 32)
        #expect(RequestID.generate() != RequestID.generate())
    }
}
