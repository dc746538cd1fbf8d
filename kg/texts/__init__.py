"""Source documents' full texts (plain text, PDF, HTML): extracted once, cached by the file's hash, and the
quote matcher that reads them as extraction leaves them."""
