"""Domain rules and models: codes and boards, themes, catalysts, indicators. No Textual here."""
