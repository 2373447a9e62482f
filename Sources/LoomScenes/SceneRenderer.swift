import CCairo
import LoomCore
import LoomMedia

/// Draws a scene's ground truth with cairo.
///
/// Each call makes its own surface and context and shares nothing, so scenes can be rendered on many threads
/// at once. The pixels depend only on the scene (texture details come from a hash of its content), so the same
/// truth always gives the same image on the same system.
public enum SceneRenderer {
    /// The scene drawn into an opaque `scene.width` × `scene.height` buffer: background, objects in drawing
    /// order with their patterns and outlines, then the signs with their text.
    ///
    /// - Throws: `LoomError` of kind `.render` when cairo fails (for example, out of memory).
    public static func render(_ scene: SceneTruth) throws -> PixelBuffer {
        guard scene.width > 0, scene.height > 0 else {
            throw LoomError(.render, "cannot render a \(scene.width)×\(scene.height) scene")
        }
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(scene.width), Int32(scene.height))
        else { throw LoomError(.render, "cairo could not create an image surface") }
        defer { cairo_surface_destroy(surface) }
        try check(cairo_surface_status(surface))
        guard let context = cairo_create(surface) else { throw LoomError(.render, "cairo could not create a context") }
        defer { cairo_destroy(context) }

        BackgroundPainter.paint(scene, in: context)
        for object in scene.objects.sorted(by: { $0.z < $1.z }) {
            ObjectPainter.paint(object, in: context)
        }
        for label in scene.labels {
            SignPainter.paint(label, in: context)
        }
        try check(cairo_status(context))

        cairo_surface_flush(surface)
        guard let data = cairo_image_surface_get_data(surface) else {
            throw LoomError(.render, "cairo returned no pixel data")
        }
        let stride = Int(cairo_image_surface_get_stride(surface))
        let pixels = Array(UnsafeBufferPointer(start: data, count: stride * scene.height))
        return PixelBuffer(width: scene.width, height: scene.height, bytesPerRow: stride, pixels: pixels)
    }

    private static func check(_ status: cairo_status_t) throws {
        guard status == CAIRO_STATUS_SUCCESS else {
            throw LoomError(.render, "cairo failed: \(String(cString: cairo_status_to_string(status)))")
        }
    }
}

extension RGB {
    /// Makes this colour the context's source.
    func use(in context: OpaquePointer, alpha: Double = 1) {
        if alpha >= 1 {
            cairo_set_source_rgb(context, red, green, blue)
        } else {
            cairo_set_source_rgba(context, red, green, blue, alpha)
        }
    }

    /// Adds this colour as a gradient stop.
    func addStop(to pattern: OpaquePointer, at offset: Double, alpha: Double = 1) {
        cairo_pattern_add_color_stop_rgba(pattern, offset, red, green, blue, alpha)
    }
}
