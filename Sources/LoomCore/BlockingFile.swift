import Foundation

/// Why a folder cannot be made at a path: a file (not a folder) already there or at one of its parents.
public enum BlockingFile {
    /// The file standing where `folder` or one of its parent folders should be; nil when there is none.
    public static func blocking(_ folder: URL) -> URL? {
        var candidate = folder.standardizedFileURL
        while candidate.path != "/" {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isFolder) {
                return isFolder.boolValue ? nil : candidate
            }
            candidate = candidate.deletingLastPathComponent()
        }
        return nil
    }

    /// The reason to give when `folder` cannot be created: names the file in the way when there is one.
    public static func reason(creating folder: URL, error: any Error) -> String {
        if let file = blocking(folder) {
            return "\(file.path) is a file, not a folder"
        }
        if let error = error as? CocoaError, let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError,
            underlying.domain == NSPOSIXErrorDomain, let code = POSIXErrorCode(rawValue: Int32(underlying.code))
        {
            return String(cString: strerror(code.rawValue))
        }
        return error.localizedDescription
    }
}
