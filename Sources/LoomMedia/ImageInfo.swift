/// What the header says, read without decoding pixels.
public struct ImageInfo: Sendable, Hashable {
    /// The format, sniffed from the file's first bytes.
    public var format: DecodableFormat
    /// Width as stored in the file, before orientation.
    public var storedWidth: Int
    /// Height as stored in the file, before orientation.
    public var storedHeight: Int
    /// EXIF orientation in 1...8 (JPEG's APP1 segment, PNG's `eXIf` chunk, WebP's `EXIF` chunk); 1 when the tag is
    /// absent or out of range.
    public var orientation: Int
    /// Width as displayed, after orientation (the stored height for orientations 5...8).
    public var width: Int
    /// Height as displayed, after orientation (the stored width for orientations 5...8).
    public var height: Int
    /// The embedded ICC profile, when a decode left its conversion to the caller (`ImageDecoder.ColorProfileUse`).
    public var colorProfile: [UInt8]?

    /// Header facts for a stored size and orientation; the displayed size is derived.
    init(format: DecodableFormat, storedWidth: Int, storedHeight: Int, orientation: Int = 1) {
        let orientation = (1...8).contains(orientation) ? orientation : 1
        self.format = format
        self.storedWidth = storedWidth
        self.storedHeight = storedHeight
        self.orientation = orientation
        let swapped = orientation >= 5
        self.width = swapped ? storedHeight : storedWidth
        self.height = swapped ? storedWidth : storedHeight
    }
}
