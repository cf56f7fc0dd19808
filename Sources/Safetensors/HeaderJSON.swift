/// The small, strict JSON (RFC 8259) the safetensors header needs: a writer with deterministic
/// output and a parser that keeps object members in file order, so duplicate keys are seen
/// (Foundation's JSONSerialization silently keeps one of them).
enum JSONValue {
    case null
    case bool(Bool)
    /// The number's text as written (the header only needs non-negative integers).
    case number(String)
    case string(String)
    case array([JSONValue])
    /// Members in file order, duplicates kept.
    case object([(key: String, value: JSONValue)])

    /// The value as a non-negative integer, if it is one written without fraction or exponent.
    var nonNegativeInteger: Int? {
        guard case .number(let text) = self, !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(text)
    }

    var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

enum HeaderJSON {
    /// `s` as a JSON string literal, escaped as serde_json (and Python's safetensors) does:
    /// `\"`, `\\`, `\b \f \n \r \t`, other controls as `\u00XX`; everything else verbatim UTF-8.
    static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += "\\u00" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    struct ParseError: Error {
        let message: String
        let offset: Int
    }

    /// Parses `bytes` as one JSON value surrounded by optional whitespace (the header's space
    /// padding). Nesting is limited to `maximumDepth` levels.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, maximumDepth: Int = 32) throws -> JSONValue {
        var parser = Parser(bytes: bytes, maximumDepth: maximumDepth)
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.position == bytes.count else { throw parser.error("unexpected text after the JSON value") }
        return value
    }

    private struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        let maximumDepth: Int
        var position = 0

        init(bytes: UnsafeBufferPointer<UInt8>, maximumDepth: Int) {
            self.bytes = bytes
            self.maximumDepth = maximumDepth
        }

        func error(_ message: String) -> ParseError { ParseError(message: message, offset: position) }

        var current: UInt8? { position < bytes.count ? bytes[position] : nil }

        mutating func skipWhitespace() {
            while let b = current, b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { position += 1 }
        }

        mutating func expect(_ byte: UInt8, _ what: String) throws {
            guard current == byte else { throw error("expected \(what)") }
            position += 1
        }

        mutating func literal(_ word: String, _ value: JSONValue) throws -> JSONValue {
            for b in word.utf8 { try expect(b, "'\(word)'") }
            return value
        }

        mutating func value(depth: Int) throws -> JSONValue {
            guard depth < maximumDepth else { throw error("nesting deeper than \(maximumDepth) levels") }
            switch current {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): return try literal("true", .bool(true))
            case UInt8(ascii: "f"): return try literal("false", .bool(false))
            case UInt8(ascii: "n"): return try literal("null", .null)
            case let b? where b == UInt8(ascii: "-") || (b >= 0x30 && b <= 0x39): return try number()
            case nil: throw error("unexpected end of the header")
            default: throw error("unexpected character")
            }
        }

        mutating func object(depth: Int) throws -> JSONValue {
            position += 1
            var members: [(key: String, value: JSONValue)] = []
            skipWhitespace()
            if current == UInt8(ascii: "}") { position += 1; return .object(members) }
            while true {
                skipWhitespace()
                guard current == UInt8(ascii: "\"") else { throw error("expected a string key") }
                let key = try string()
                skipWhitespace()
                try expect(UInt8(ascii: ":"), "':'")
                skipWhitespace()
                members.append((key, try value(depth: depth + 1)))
                skipWhitespace()
                if current == UInt8(ascii: ",") { position += 1; continue }
                try expect(UInt8(ascii: "}"), "',' or '}'")
                return .object(members)
            }
        }

        mutating func array(depth: Int) throws -> JSONValue {
            position += 1
            var elements: [JSONValue] = []
            skipWhitespace()
            if current == UInt8(ascii: "]") { position += 1; return .array(elements) }
            while true {
                skipWhitespace()
                elements.append(try value(depth: depth + 1))
                skipWhitespace()
                if current == UInt8(ascii: ",") { position += 1; continue }
                try expect(UInt8(ascii: "]"), "',' or ']'")
                return .array(elements)
            }
        }

        mutating func number() throws -> JSONValue {
            let start = position
            func digits(_ p: inout Parser) -> Int {
                let s = p.position
                while let b = p.current, b >= 0x30 && b <= 0x39 { p.position += 1 }
                return p.position - s
            }
            if current == UInt8(ascii: "-") { position += 1 }
            if current == UInt8(ascii: "0") {
                position += 1
            } else if digits(&self) == 0 {
                throw error("invalid number")
            }
            if current == UInt8(ascii: ".") {
                position += 1
                guard digits(&self) > 0 else { throw error("invalid number") }
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                position += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
                guard digits(&self) > 0 else { throw error("invalid number") }
            }
            return .number(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self))
        }

        mutating func string() throws -> String {
            position += 1
            var utf8: [UInt8] = []
            while true {
                guard let b = current else { throw error("unterminated string") }
                position += 1
                switch b {
                case UInt8(ascii: "\""):
                    guard let s = String(validating: utf8, as: UTF8.self) else { throw error("string is not valid UTF-8") }
                    return s
                case UInt8(ascii: "\\"):
                    guard let e = current else { throw error("unterminated escape") }
                    position += 1
                    switch e {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(e)
                    case UInt8(ascii: "b"): utf8.append(0x08)
                    case UInt8(ascii: "f"): utf8.append(0x0C)
                    case UInt8(ascii: "n"): utf8.append(0x0A)
                    case UInt8(ascii: "r"): utf8.append(0x0D)
                    case UInt8(ascii: "t"): utf8.append(0x09)
                    case UInt8(ascii: "u"): utf8.append(contentsOf: try unicodeEscape())
                    default: throw error("invalid escape")
                    }
                case 0..<0x20: throw error("control character in a string")
                default: utf8.append(b)
                }
            }
        }

        /// After `\u`: four hex digits, or a surrogate pair `\uD8xx\uDCxx`; returns UTF-8 bytes.
        mutating func unicodeEscape() throws -> [UInt8] {
            var code = try hex4()
            if (0xD800..<0xDC00).contains(code) {
                guard current == UInt8(ascii: "\\") else { throw error("unpaired surrogate") }
                position += 1
                try expect(UInt8(ascii: "u"), "a low surrogate")
                let low = try hex4()
                guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate") }
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let scalar = Unicode.Scalar(code) else { throw error("unpaired surrogate") }
            return Array(String(Character(scalar)).utf8)
        }

        mutating func hex4() throws -> UInt32 {
            var v: UInt32 = 0
            for _ in 0..<4 {
                guard let b = current, let d = hexDigit(b) else { throw error("invalid \\u escape") }
                v = v << 4 | d
                position += 1
            }
            return v
        }

        func hexDigit(_ b: UInt8) -> UInt32? {
            switch b {
            case 0x30...0x39: return UInt32(b - 0x30)
            case 0x41...0x46: return UInt32(b - 0x41 + 10)
            case 0x61...0x66: return UInt32(b - 0x61 + 10)
            default: return nil
            }
        }
    }
}
