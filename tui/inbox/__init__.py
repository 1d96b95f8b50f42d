"""The catalyst inbox, headless: fetch the feeds into the store (fetch), decide what is
relevant to a theme (relevance), and triage items into the catalyst calendar (triage).

Never imports Textual; the app and the CLI both drive it.
"""
