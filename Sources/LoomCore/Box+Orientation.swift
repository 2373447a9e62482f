extension Box {
    /// The box drawn on an image's stored pixels, in the frame the image is shown in once its EXIF
    /// `orientation` (1...8) is applied; `storedWidth` and `storedHeight` are the stored frame's size.
    ///
    /// Annotation tools differ on whether they apply the orientation before boxes are drawn: a COCO file whose
    /// image size is the stored one was drawn on the stored pixels, and its boxes must turn with the image.
    public func displayed(orientation: Int, storedWidth: Double, storedHeight: Double) -> Box {
        let (w, h) = (storedWidth, storedHeight)
        switch orientation {
        case 2: return Box(x: w - x - width, y: y, width: width, height: height)  // mirrored left–right
        case 3: return Box(x: w - x - width, y: h - y - height, width: width, height: height)  // turned 180°
        case 4: return Box(x: x, y: h - y - height, width: width, height: height)  // mirrored top–bottom
        case 5: return Box(x: y, y: x, width: height, height: width)  // transposed
        case 6: return Box(x: h - y - height, y: x, width: height, height: width)  // turned 90° clockwise
        case 7: return Box(x: h - y - height, y: w - x - width, width: height, height: width)  // transversed
        case 8: return Box(x: y, y: w - x - width, width: height, height: width)  // turned 90° anticlockwise
        default: return self
        }
    }
}
