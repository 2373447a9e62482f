import Foundation
import LoomCore
import LoomQuality

/// `loom-bench minhash-corpus OUT [COUNT] [SEED]`: writes the near-duplicate benchmark's corpus, once, for both
/// sides: OUT (JSONL, `{"id":"r0000001","text":"…"}` per line) and OUT.truth.jsonl (one line per planted copy:
/// `{"copy":ORDINAL,"of":ORDINAL,"jaccard":J,"edit":"surface"|"words"}`, ordinals being 0-based line numbers).
///
/// Texts are flattened VLM instruction records: media prefix lines (`<image>`, `Image 1: <image>` …), a question,
/// and an answer of one to five sentences, from seeded vocabularies (colours, sizes, materials, COCO object names,
/// places, relations). Base texts are unique after normalization. Every block of 10,000 lines holds 9,000 bases
/// and 1,000 planted copies of bases of the same block (a quarter of them joining an already copied base, so
/// groups of three and more occur), shuffled together; so any prefix of whole blocks holds whole groups.
/// A copy is either a surface edit (case, punctuation, spacing, the media prefix: identical after
/// normalization, Jaccard 1) or word edits (substitutions, insertions, deletions, swaps) applied one at a time,
/// each kept only if the word-3-gram Jaccard similarity to the original stays ≥ 0.8, until it falls to a target
/// drawn from [0.8, 1).
enum MinHashCorpus {
    static let blockSize = 10_000
    static let copiesPerBlock = 1_000

    static func write(to path: String, count: Int, seed: UInt64) throws -> (texts: Int, copies: Int) {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        _ = FileManager.default.createFile(atPath: path + ".truth.jsonl", contents: nil)
        guard let out = FileHandle(forWritingAtPath: path), let truthOut = FileHandle(forWritingAtPath: path + ".truth.jsonl") else {
            throw CocoaError(.fileWriteUnknown)
        }
        defer {
            try? out.close()
            try? truthOut.close()
        }
        var random = SeededGenerator(seed: seed)
        var seen = Set<String>()
        var written = 0
        var copiesWritten = 0
        while written < count {
            let size = min(blockSize, count - written)
            let copies = size * copiesPerBlock / blockSize
            var bases: [String] = []
            while bases.count < size - copies {
                let text = makeText(&random)
                if seen.insert(NormalizedText.normalized(text)).inserted { bases.append(text) }
            }
            // Block-local slots: bases first, then copies; shuffled into line positions below.
            var texts = bases
            var truth: [(copy: Int, of: Int, jaccard: Double, edit: String)] = []
            var copied: [Int] = []
            var unused = Array(bases.indices)
            unused.shuffle(using: &random)
            for _ in 0..<copies {
                let original: Int
                if !copied.isEmpty && random.chance(0.25) {
                    original = random.pick(copied)!
                } else {
                    original = unused.removeLast()
                    copied.append(original)
                }
                let (text, jaccard, edit) = makeCopy(of: bases[original], &random)
                truth.append((texts.count, original, jaccard, edit))
                texts.append(text)
            }
            var position = Array(texts.indices)
            position.shuffle(using: &random)  // slot -> line within the block
            var lines = [String](repeating: "", count: texts.count)
            for (slot, line) in position.enumerated() { lines[line] = texts[slot] }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(texts.count * 400)
            for (line, text) in lines.enumerated() {
                bytes.append(contentsOf: Array(#"{"id":"r"#.utf8))
                bytes.append(contentsOf: Array(String(written + line).utf8))
                bytes.append(contentsOf: Array(#"","text":"#.utf8))
                JSONText.appendQuoted(text, to: &bytes)
                bytes.append(contentsOf: Array("}\n".utf8))
            }
            out.write(Data(bytes))
            var truthText = ""
            for pair in truth.sorted(by: { position[$0.copy] < position[$1.copy] }) {
                truthText += #"{"copy":\#(written + position[pair.copy]),"of":\#(written + position[pair.of]),"jaccard":\#(String(format: "%.4f", pair.jaccard)),"edit":"\#(pair.edit)"}"# + "\n"
            }
            truthOut.write(Data(truthText.utf8))
            written += texts.count
            copiesWritten += truth.count
        }
        return (written, copiesWritten)
    }

    // MARK: - Base texts

    static let colours = ["red", "blue", "green", "yellow", "purple", "cyan", "brown", "gray", "black", "white", "orange", "pink",
                          "beige", "teal", "navy", "maroon", "olive", "silver", "golden", "turquoise"]
    static let sizes = ["small", "large", "tiny", "big", "medium-sized", "huge", "narrow", "tall"]
    static let materials = ["metal", "rubber", "wooden", "plastic", "glass", "ceramic", "fabric", "stone", "leather", "paper"]
    static let objects = ["person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat", "traffic light",
                          "fire hydrant", "stop sign", "parking meter", "bench", "bird", "cat", "dog", "horse", "sheep", "cow",
                          "elephant", "bear", "zebra", "giraffe", "backpack", "umbrella", "handbag", "tie", "suitcase", "frisbee",
                          "skis", "snowboard", "kite", "baseball bat", "skateboard", "surfboard", "tennis racket", "bottle",
                          "wine glass", "cup", "fork", "knife", "spoon", "bowl", "banana", "apple", "sandwich", "orange",
                          "broccoli", "carrot", "hot dog", "pizza", "donut", "cake", "chair", "couch", "potted plant", "bed",
                          "dining table", "toilet", "tv", "laptop", "mouse", "remote", "keyboard", "cell phone", "microwave",
                          "oven", "toaster", "sink", "refrigerator", "book", "clock", "vase", "scissors", "teddy bear",
                          "hair drier", "toothbrush", "cube", "sphere", "cylinder", "cone", "lamp", "basket", "mug", "sign"]
    static let places = ["kitchen", "street", "park", "living room", "beach", "office", "market", "train station", "garden",
                         "playground", "harbor", "classroom", "bakery", "library", "parking lot", "mountain trail", "farm",
                         "airport", "bedroom", "restaurant", "museum", "supermarket", "bus stop", "backyard", "workshop"]
    static let relations = ["to the left of", "to the right of", "behind", "in front of", "next to", "on top of", "under",
                            "near", "beside", "across from"]
    static let actions = ["sitting", "standing", "lying", "parked", "hanging", "leaning", "resting", "stacked", "placed", "waiting"]
    static let adjectives = ["shiny", "matte", "striped", "dotted", "old", "new", "bright", "dark", "worn", "polished", "dusty",
                             "wet", "folded", "broken", "clean", "crowded", "empty", "colourful", "faded", "round"]
    static let lighting = ["soft morning light", "harsh midday sun", "warm evening light", "dim indoor lighting", "overcast daylight",
                           "bright studio lighting", "neon light", "candle light"]
    static let counts = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
    static let fillers = ["very", "also", "clearly", "really", "quite", "just", "actually", "probably", "mostly", "partly"]

    static func plural(_ noun: String) -> String {
        if noun.hasSuffix("s") || noun.hasSuffix("sh") || noun.hasSuffix("ch") { return noun + "es" }
        if noun == "person" { return "people" }
        if noun == "knife" { return "knives" }
        return noun + "s"
    }

    static func article(_ word: String) -> String {
        guard let first = word.first else { return "a" }
        return "aeiou".contains(first) ? "an" : "a"
    }

    /// One text: media prefix, question, answer.
    static func makeText(_ random: inout SeededGenerator) -> String {
        func pick(_ list: [String]) -> String { random.pick(list)! }
        let kind = random.int(in: 0...15)
        var images: Int
        switch random.int(in: 0...99) {
        case 0..<60: images = 1
        case 60..<85: images = 2
        case 85..<95: images = random.int(in: 3...4)
        default: images = 0
        }
        if [5, 6, 10].contains(kind) { images = max(images, 2) }  // the questions that compare images
        var prefix = ""
        if images == 1 {
            prefix = random.chance(0.7) ? "<image>\n" : "Image 1: <image>\n"
        } else if images > 1 {
            prefix = (1...images).map { "Image \($0): <image>\n" }.joined()
        }
        let (c1, c2, c3) = (pick(colours), pick(colours), pick(colours))
        let (o1, o2, o3) = (pick(objects), pick(objects), pick(objects))
        let (s1, s2) = (pick(sizes), pick(sizes))
        let (m1, m2) = (pick(materials), pick(materials))
        let (rel, place, action, adj) = (pick(relations), pick(places), pick(actions), pick(adjectives))
        let n = random.int(in: 0...12)
        let which = images > 1 ? random.int(in: 1...images) : 1
        var question: String
        var answer: String
        switch kind {
        case 0:
            question = "What colour is the \(s1) \(m1) \(o1) \(rel) the \(c2) \(o2)?"
            answer = "The \(s1) \(m1) \(o1) is \(c1)."
        case 1:
            question = "How many \(plural(o1)) are \(rel) the \(s2) \(c2) \(o2)?"
            answer = n == 0 ? "There are no \(plural(o1)) \(rel) the \(o2)." : "There are \(counts[n]) \(plural(o1)) \(rel) the \(o2)."
        case 2:
            question = "Is there \(article(c1)) \(c1) \(o1) \(rel) the \(o2) in the \(place)?"
            answer = random.chance(0.5) ? "Yes, there is \(article(c1)) \(c1) \(o1) \(rel) the \(o2)." : "No, the \(o1) \(rel) the \(o2) is \(c3), not \(c1)."
        case 3:
            question = "What is the \(o1) \(rel) the \(c2) \(o2) made of?"
            answer = "It is made of \(m1), with \(article(adj)) \(adj) \(m2) base."
        case 4:
            question = "Describe the \(place) scene in detail, paying attention to the \(c1) \(o1)."
            answer = "The image shows \(article(adj)) \(adj) \(place) under \(pick(lighting)). \(article(s1).capitalized) \(s1) \(c1) \(o1) is \(action) \(rel) \(article(c2)) \(c2) \(o2)."
        case 5:
            question = "Which image shows more \(plural(o1)), and what colour is the largest one?"
            answer = "Image \(which) shows more \(plural(o1)); the largest one is \(c1) and stands \(rel) \(article(c2)) \(c2) \(o2)."
        case 6:
            question = "What differs between image 1 and image \(images) around the \(o1)?"
            answer = "In image 1 the \(o1) is \(c1), while in image \(images) it is \(c2) and has moved \(rel) the \(o2)."
        case 7:
            question = "Read the text on the \(c1) sign near the \(o1)."
            answer = "The sign reads \"\(pick(places).uppercased()) \(random.int(in: 1...999))\" in \(c2) letters."
        case 8:
            question = "Where is the \(s1) \(c1) \(o1) located in the \(place)?"
            answer = "It is \(action) \(rel) the \(m2) \(o2), close to the \(c3) \(o3)."
        case 9:
            question = "What is the person next to the \(c1) \(o1) doing?"
            answer = "The person is \(pick(["holding", "looking at", "pointing at", "cleaning", "carrying", "repairing"])) the \(c2) \(o2) \(rel) the \(o3)."
        case 10:
            question = "Compare the \(o1) in image 1 with the \(o2) in image \(images). Which one is \(pick(["larger", "closer", "brighter", "older"]))?"
            answer = "The \(which == 1 ? o1 : o2) in image \(which) is, because it is \(s1) and \(c1)."
        case 11:
            question = "Count the \(c1) objects on the \(m1) \(o1)."
            answer = "There \(n == 1 ? "is" : "are") \(counts[n]) \(c1) object\(n == 1 ? "" : "s") on the \(o1): \(article(o2)) \(o2) and \(article(o3)) \(o3)."
        case 12:
            question = "What time of day does the \(place) scene suggest, judging by the \(o1)?"
            answer = "It looks like \(pick(["early morning", "noon", "late afternoon", "dusk", "night"])), given the \(pick(lighting)) on the \(c1) \(o1)."
        case 13:
            question = "Is the \(c1) \(o1) bigger than the \(c2) \(o2)?"
            answer = random.chance(0.5) ? "Yes, the \(c1) \(o1) is bigger." : "No, the \(c2) \(o2) is bigger than the \(o1)."
        case 14:
            question = "Answer with a single word: what shape is the \(c1) \(m1) object \(rel) the \(o1)?"
            answer = pick(["Cube.", "Sphere.", "Cylinder.", "Cone.", "Torus.", "Pyramid."])
        default:
            question = "Give a short caption for the image of the \(place)."
            answer = "\(article(adj).capitalized) \(adj) \(place) with \(article(c1)) \(c1) \(o1) \(action) \(rel) \(article(o2)) \(o2)."
        }
        // Extra description sentences make answers of realistic length (one to five sentences in all).
        let extra = random.int(in: 0...4)
        for _ in 0..<extra {
            let (c, o, x, r) = (pick(colours), pick(objects), pick(objects), pick(relations))
            let (size, adjective, material) = (pick(sizes), pick(adjectives), pick(materials))
            switch random.int(in: 0...5) {
            case 0: answer += " In the background, \(counts[random.int(in: 2...9)]) \(plural(o)) are \(pick(actions)) near the \(pick(places))."
            case 1: answer += " \(article(size).capitalized) \(size) \(c) \(o) is \(pick(actions)) \(r) \(article(adjective)) \(adjective) \(x)."
            case 2: answer += " The lighting is \(pick(lighting)), and the \(o) casts \(article(adjective)) \(adjective) shadow."
            case 3: answer += " Behind it, \(article(c)) \(c) \(o) rests on \(article(material)) \(material) \(x)."
            case 4: answer += " The \(o) looks \(pick(adjectives)) and \(pick(adjectives)), with \(pick(colours)) and \(c) patches."
            default:
                let other = pick(colours)
                answer += " There is also \(article(c)) \(c) \(o) \(r) the \(x), partly hidden by \(article(other)) \(other) \(pick(objects))."
            }
        }
        return prefix + question + "\n" + answer
    }

    // MARK: - Planted copies

    static func shingleSet(_ text: String) -> Set<String> {
        let words = NormalizedText.words(text).map(String.init)
        if words.isEmpty { return [] }
        if words.count <= 3 { return [words.joined(separator: " ")] }
        return Set((0...(words.count - 3)).map { words[$0..<($0 + 3)].joined(separator: " ") })
    }

    static func jaccard(_ a: Set<String>, _ b: Set<String>) -> Double {
        let union = a.union(b).count
        return union == 0 ? 1 : Double(a.intersection(b).count) / Double(union)
    }

    /// A copy of `original` edited as described in the type's notes, its true Jaccard similarity, the edit kind.
    static func makeCopy(of original: String, _ random: inout SeededGenerator) -> (String, Double, String) {
        let reference = shingleSet(original)
        // Lines: media prefix lines stay lines; the question and the answer are edited word by word.
        var lines = original.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let surfaceOnly = random.chance(0.2)
        if surfaceOnly || random.chance(0.5) { surfaceEdit(&lines, &random) }
        if surfaceOnly {
            let text = lines.joined(separator: "\n")
            return (text, jaccard(reference, shingleSet(text)), "surface")
        }
        let target = random.double(in: 0.8...0.999)
        let textLines = lines.indices.filter { !lines[$0].contains("<image>") }
        var words = textLines.map { lines[$0].split(separator: " ").map(String.init) }
        var similarity = 1.0
        for _ in 0..<40 where similarity > target {
            var candidate = words
            let line = random.int(in: 0...(candidate.count - 1))
            guard !candidate[line].isEmpty else { continue }
            let at = random.int(in: 0...(candidate[line].count - 1))
            switch random.int(in: 0...4) {
            case 0: candidate[line][at] = random.pick(colours)!
            case 1: candidate[line][at] = random.pick(objects)!
            case 2: candidate[line].insert(random.pick(fillers)!, at: at)
            case 3: if candidate[line].count > 3 { candidate[line].remove(at: at) }
            default: if at + 1 < candidate[line].count { candidate[line].swapAt(at, at + 1) }
            }
            var edited = lines
            for (index, line) in textLines.enumerated() { edited[line] = candidate[index].joined(separator: " ") }
            let value = jaccard(reference, shingleSet(edited.joined(separator: "\n")))
            if value < 0.8 { continue }  // too far: try another edit from the same state
            words = candidate
            similarity = value
        }
        for (index, line) in textLines.enumerated() { lines[line] = words[index].joined(separator: " ") }
        let text = lines.joined(separator: "\n")
        return (text, jaccard(reference, shingleSet(text)), "words")
    }

    /// Changes that normalization undoes: case, punctuation, spacing, the media prefix's form.
    static func surfaceEdit(_ lines: inout [String], _ random: inout SeededGenerator) {
        for _ in 0..<random.int(in: 1...3) {
            let index = random.int(in: 0...(lines.count - 1))
            if lines[index].contains("<image>") {
                let single = !lines.indices.contains { $0 != index && lines[$0].contains("<image>") }
                if lines[index] == "<image>" {
                    lines[index] = "Image 1: <image>"
                } else if single {
                    lines[index] = "<image>"
                }
                continue
            }
            switch random.int(in: 0...4) {
            case 0: lines[index] = lines[index].uppercased()
            case 1: lines[index] = lines[index].lowercased()
            case 2: lines[index] = lines[index].replacingOccurrences(of: " ", with: "  ")
            case 3: lines[index] = lines[index].hasSuffix("?") || lines[index].hasSuffix(".") ? String(lines[index].dropLast()) + "!" : lines[index] + "."
            default: lines[index] = lines[index].replacingOccurrences(of: ", ", with: " - ") + " "
            }
        }
    }
}
