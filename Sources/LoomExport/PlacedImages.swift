import LoomCore
import LoomStore

/// A record's images, all placed in the export, ready to be written as paths.
///
/// Rows whose media the reader resolved carry catalog slots, and their paths are copied from the catalog already
/// quoted; others (media found outside the catalog) carry their paths as strings.
struct PlacedImages {
    private enum Storage {
        case slots([Int32], MediaCatalog)
        case paths([String])
    }

    private let storage: Storage

    init(slots: [Int32], catalog: MediaCatalog) { storage = .slots(slots, catalog) }
    init(paths: [String]) { storage = .paths(paths) }

    var isEmpty: Bool {
        switch storage {
        case .slots(let slots, _): slots.isEmpty
        case .paths(let paths): paths.isEmpty
        }
    }

    /// Appends the image at `index`'s path as a quoted JSON string.
    func appendQuotedPath(_ index: Int, to out: inout [UInt8]) {
        switch storage {
        case .slots(let slots, let catalog): catalog.appendQuotedPath(atSlot: slots[index], to: &out)
        case .paths(let paths): JSONText.appendQuoted(paths[index], to: &out)
        }
    }

    /// Appends each path as a quoted JSON string, with `before(index)` written ahead of each.
    func forEachQuotedPath(to out: inout [UInt8], before: (Int, inout [UInt8]) -> Void) {
        switch storage {
        case .slots(let slots, let catalog):
            for index in slots.indices {
                before(index, &out)
                catalog.appendQuotedPath(atSlot: slots[index], to: &out)
            }
        case .paths(let paths):
            for index in paths.indices {
                before(index, &out)
                JSONText.appendQuoted(paths[index], to: &out)
            }
        }
    }

    /// Appends the paths as a JSON list of strings: `["images/a.png", "images/b.png"]`.
    func appendJSONList(to out: inout [UInt8]) {
        out.append(0x5B)
        forEachQuotedPath(to: &out) { index, out in if index > 0 { out.append(contentsOf: ", ".utf8) } }
        out.append(0x5D)
    }
}
