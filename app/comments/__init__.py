"""Open questions and their comments: stored like answers, masked before storage, shown only for large groups."""
