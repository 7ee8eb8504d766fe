import Foundation

/// A small, valid one-page PDF (ISO 32000-1 §7.5: header, objects, cross-reference table
/// with exact byte offsets, trailer), so that a preview is a real document a viewer opens.
/// The page shows the batch name and the transaction data, as a preview would: one line of
/// text per line of data, long lines wrapped, at most `maxLines`.
enum PreviewPDF {
    static let maxLines = 60
    static let lineWidth = 96

    static func make(title: String, data: [UInt8] = []) -> [UInt8] {
        var content = "BT /F1 18 Tf 72 740 Td (OMS preview: \(literal(title.utf8.prefix(80)))) Tj /F1 8 Tf 0 -24 Td"
        for line in lines(of: data) {
            content += " (\(literal(line))) Tj 0 -10 Td"
        }
        content += " ET"
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            "<< /Length \(content.utf8.count) >>\nstream\n\(content)\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
        var out = "%PDF-1.4\n"
        var offsets: [Int] = []
        for (index, object) in objects.enumerated() {
            offsets.append(out.utf8.count)
            out += "\(index + 1) 0 obj\n\(object)\nendobj\n"
        }
        let xref = out.utf8.count
        out += "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for offset in offsets {
            let digits = String(offset)
            out += String(repeating: "0", count: 10 - digits.count) + digits + " 00000 n \n"
        }
        out += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return Array(out.utf8)
    }

    /// The data's lines, each cut into pieces of `lineWidth` bytes.
    private static func lines(of data: [UInt8]) -> [ArraySlice<UInt8>] {
        var result: [ArraySlice<UInt8>] = []
        for line in data.split(separator: UInt8(ascii: "\n")) where result.count < maxLines {
            var rest = line
            while !rest.isEmpty, result.count < maxLines {
                result.append(rest.prefix(lineWidth))
                rest = rest.dropFirst(lineWidth)
            }
        }
        return result
    }

    /// A PDF literal string's content: printable ASCII only (other bytes are dropped), with
    /// backslash and parentheses escaped (§7.3.4.2).
    private static func literal(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        for byte in bytes where byte >= 0x20 && byte < 0x7F {
            if byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "(") || byte == UInt8(ascii: ")") { out.append(UInt8(ascii: "\\")) }
            out.append(byte)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
