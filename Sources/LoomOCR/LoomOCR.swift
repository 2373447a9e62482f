// Text recognition (tesseract).
