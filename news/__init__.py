"""Pure domain logic: articles, URLs, dates, Vietnamese text, places and topics. No I/O."""
