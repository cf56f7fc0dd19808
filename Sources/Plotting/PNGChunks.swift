import Foundation

/// Small edits of PNG files: adding the physical resolution Cairo does not write.
enum PNGChunks {
    /// Inserts a pHYs chunk (pixels per metre at `dpi`) right after IHDR, so page-layout programs
    /// place the image at its intended size. Returns the input unchanged if it is not a PNG.
    static func addingResolution(to png: Data, dpi: Double) -> Data {
        let bytes = [UInt8](png)
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        guard bytes.count > 33, Array(bytes[0..<8]) == signature, Array(bytes[12..<16]) == Array("IHDR".utf8) else { return png }
        let ihdrEnd = 8 + 4 + 4 + 13 + 4  // signature, length, type, IHDR data, CRC
        let perMetre = UInt32((dpi / 0.0254).rounded())
        var body = Array("pHYs".utf8)
        body += bigEndian(perMetre) + bigEndian(perMetre) + [1]  // unit: metre
        var chunk = bigEndian(9) + body
        chunk += bigEndian(crc32(body))
        return Data(bytes[0..<ihdrEnd] + chunk + bytes[ihdrEnd...])
    }

    static func bigEndian(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
    }

    /// CRC-32 (ISO 3309, polynomial 0xEDB88320) as PNG chunks use it.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc >> 1) ^ (0xEDB8_8320 & (0 &- (crc & 1))) }
        }
        return crc ^ 0xFFFF_FFFF
    }
}
