import Foundation
import ArgumentParser

/// The case of `type` an option names, or a usage error listing the choices.
func choice<T: RawRepresentable & CaseIterable>(_ type: T.Type, _ value: String, option: String) throws -> T
where T.RawValue == String {
    guard let parsed = T(rawValue: value) else {
        throw ValidationError("--\(option): '\(value)' is not one of: \(T.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return parsed
}

/// The items of a comma-separated option, trimmed, without empty ones.
func commaList(_ text: String?) -> Set<String> {
    Set((text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
}
