//! Thumbnails of pictures: decoded within bounded dimensions and memory (and only a few at
//! once, `AppState::decoders`), scaled to fit a box.

/// Longest side of a picture's thumbnail, in pixels.
const THUMB_SIDE: u32 = 640;
/// Pictures larger than this (either side) are kept as files, without a preview.
const MAX_PREVIEW_SIDE: u32 = 12_000;

/// Decodes a picture within bounded dimensions and memory and scales it to fit the thumbnail
/// box: (encoded bytes, content type, original width, original height).
pub fn thumbnail(path: &std::path::Path) -> Option<(Vec<u8>, &'static str, u32, u32)> {
    use image::{DynamicImage, ImageFormat, ImageReader, Limits};
    let mut reader = ImageReader::open(path).ok()?.with_guessed_format().ok()?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_PREVIEW_SIDE);
    limits.max_image_height = Some(MAX_PREVIEW_SIDE);
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    let picture = reader.decode().ok()?;
    let (width, height) = (picture.width(), picture.height());
    let small = picture.thumbnail(THUMB_SIDE, THUMB_SIDE);
    let mut out = std::io::Cursor::new(Vec::new());
    let content_type = if small.color().has_alpha() {
        small.write_to(&mut out, ImageFormat::Png).ok()?;
        "image/png"
    } else {
        let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 82);
        DynamicImage::ImageRgb8(small.to_rgb8())
            .write_with_encoder(encoder)
            .ok()?;
        "image/jpeg"
    };
    Some((out.into_inner(), content_type, width, height))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    #[test]
    fn pictures_get_bounded_thumbnails() {
        let dir = std::env::temp_dir().join(format!("agora-thumb-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("wide.png");
        image::RgbImage::from_pixel(1600, 400, image::Rgb([10, 120, 200]))
            .save(&path)
            .unwrap();
        let (bytes, content_type, width, height) = super::thumbnail(&path).unwrap();
        assert_eq!((content_type, width, height), ("image/jpeg", 1600, 400));
        let small = image::load_from_memory(&bytes).unwrap();
        assert_eq!((small.width(), small.height()), (640, 160));
        // Not a picture at all: no thumbnail, no panic.
        std::fs::write(&path, b"\x89PNG\r\n\x1a\nnot really").unwrap();
        assert!(super::thumbnail(&path).is_none());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
