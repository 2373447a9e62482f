/// Apache Thrift's compact protocol, as far as Parquet's page headers and footer need it: structs of 32- and
/// 64-bit integers, strings, lists and nested structs.
///
/// A struct is its fields in increasing id order, then a stop byte. A field starts with one byte that holds its
/// type and the difference from the previous field's id (1–15), or the type alone followed by the id; integers
/// are zigzag varints, strings a varint length and the bytes; a list starts with its element type and size.
struct ThriftCompactWriter {
    /// The compact protocol's type codes, as written in field and list headers.
    enum FieldType: UInt8 {
        case i32 = 5, i64 = 6, binary = 8, list = 9, structure = 12
    }

    private(set) var bytes: [UInt8] = []
    /// The last field id written in each struct being written, innermost last.
    private var lastFieldIDs: [Int16] = [0]

    mutating func i32(_ id: Int16, _ value: Int32) {
        fieldHeader(id, .i32)
        varint(UInt64(UInt32(bitPattern: (value << 1) ^ (value >> 31))))
    }

    mutating func i64(_ id: Int16, _ value: Int64) {
        fieldHeader(id, .i64)
        varint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    mutating func string(_ id: Int16, _ value: String) {
        fieldHeader(id, .binary)
        binary(value)
    }

    /// A struct-valued field whose fields `body` writes.
    mutating func structure(_ id: Int16, _ body: (inout ThriftCompactWriter) -> Void) {
        fieldHeader(id, .structure)
        nested(body)
    }

    /// A list field; its `count` elements follow, written with the `element…` methods.
    mutating func list(_ id: Int16, of type: FieldType, count: Int) {
        fieldHeader(id, .list)
        if count < 15 {
            bytes.append(UInt8(count) << 4 | type.rawValue)
        } else {
            bytes.append(0xF0 | type.rawValue)
            varint(UInt64(count))
        }
    }

    mutating func elementI32(_ value: Int32) {
        varint(UInt64(UInt32(bitPattern: (value << 1) ^ (value >> 31))))
    }

    mutating func elementString(_ value: String) {
        binary(value)
    }

    /// A list element that is a struct.
    mutating func elementStructure(_ body: (inout ThriftCompactWriter) -> Void) {
        nested(body)
    }

    /// Ends the outermost struct.
    mutating func stop() {
        bytes.append(0)
    }

    private mutating func nested(_ body: (inout ThriftCompactWriter) -> Void) {
        lastFieldIDs.append(0)
        body(&self)
        bytes.append(0)
        lastFieldIDs.removeLast()
    }

    private mutating func fieldHeader(_ id: Int16, _ type: FieldType) {
        let delta = Int(id) - Int(lastFieldIDs[lastFieldIDs.count - 1])
        if (1...15).contains(delta) {
            bytes.append(UInt8(delta) << 4 | type.rawValue)
        } else {
            bytes.append(type.rawValue)
            varint(UInt64(UInt16(bitPattern: (id << 1) ^ (id >> 15))))
        }
        lastFieldIDs[lastFieldIDs.count - 1] = id
    }

    private mutating func binary(_ value: String) {
        varint(UInt64(value.utf8.count))
        bytes.append(contentsOf: value.utf8)
    }

    private mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }
}
