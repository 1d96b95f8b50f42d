"""The help screen (`?`): key bindings and what each view shows."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

HELP_ZH = """\
# 帮助

| 按键 | 作用 |
|---|---|
| `1` `2` `3` `4` | 切换 成分股 / 催化剂 / 指标 / 问题 |
| `]` `[` | 下一个 / 上一个题材 |
| `a` | 催化剂：全部题材 / 当前题材 |
| `R` | 重新读取 YAML 文件 |
| `ctrl+p` | 命令面板 |
| `?` | 本帮助 |
| `q` | 退出 |

**成分股**：按产业链环节（上游/中游/下游/配套）分组，显示每只股票的关联原因；
下方面板显示风险点、备注、标签、相关催化剂和来源。未上市公司（如已递表港股的基流科技）没有代码。

**催化剂**：即将发生的事件按日期排列并显示倒计时（天）；已过去的事件按时间倒序；
未定日期的预期事件单独分组。日期只到月或季度的事件标"约"。日期已过但状态仍是"预期"的事件标 ⚠，提示需要更新状态。

**指标**：最新读数、目标、进度和状态（已达标 / 进度正常 / 落后 / 无数据 / 过期 / 无目标）。
读数超过指标的更新周期即为"过期"。

**问题**：YAML 文件中的错误和警告（文件:行:列）。有错误的条目被跳过，其余内容照常加载。

行情数据将在后续版本接入；本版本不显示任何虚构行情。按 `esc` 关闭。
"""

HELP_EN = """\
# Help

| Key | Action |
|---|---|
| `1` `2` `3` `4` | Stocks / Catalysts / Indicators / Problems |
| `]` `[` | Next / previous theme |
| `a` | Catalysts: all themes / this theme |
| `R` | Reload the YAML files |
| `ctrl+p` | Command palette |
| `?` | This help |
| `q` | Quit |

**Stocks**: grouped by industry-chain segment, with why each stock is in the theme; the panel
below shows risks, notes, tags, related catalysts and the source.

**Catalysts**: upcoming events with a countdown in days; past ones, most recent first; undated
expected events in their own group. "~" marks month- or quarter-precision dates; ⚠ marks an
expected event whose date has passed (its status needs updating).

**Indicators**: latest reading, target, progress and status (met / on track / off track /
no data / stale / no target).

**Problems**: errors and warnings in the YAML files (file:line:col). Entries with errors are
skipped; everything else loads.

Quotes arrive in a later version; nothing here is made up. Press `esc` to close.
"""


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90; max-width: 95%; height: 80%; border: round $primary; background: $surface; padding: 0 1; }
    """
    BINDINGS = [Binding("escape,q,question_mark", "dismiss_help", "Close")]

    def __init__(self, language: str) -> None:
        super().__init__()
        self.language = language

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Markdown(HELP_ZH if self.language == "zh" else HELP_EN)

    def action_dismiss_help(self) -> None:
        self.dismiss(None)
