import Foundation

/// What went wrong with a file or folder, in words: the system's reason (`strerror`) rather than Foundation's
/// "The operation could not be completed (NSCocoaErrorDomain error 512)".
public enum FileErrorReason {
    /// The reason of a failed file operation.
    public static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if nsError.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(nsError.code))) }
        return nsError.localizedDescription
    }

    /// The reason a folder could not be created at `folder`: names the file standing where it or one of its parent
    /// folders should be, when there is one.
    public static func reason(creating folder: URL, error: any Error) -> String {
        if let file = blockingFile(folder) { return "\(file.path) is a file, not a folder" }
        return reason(error)
    }

    /// The file (not a folder) standing where `folder` or one of its parents should be; nil when there is none.
    public static func blockingFile(_ folder: URL) -> URL? {
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
}
