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
| `1` `2` `3` `4` `5` `6` `7` | 切换 行情 / 催化剂 / 指标 / 指数 / 问题 / 涨停池 / 收件箱 |
| `a` `d` `s` `u` `o` `f` `M` | 收件箱：采纳（写入催化剂）/ 忽略 / 稍后 / 恢复 / 打开链接 / 抓取 / 显示屏蔽项 |
| `]` `[` | 下一个 / 上一个题材 |
| `r` | 立即刷新行情（交易时段内按设置的间隔自动刷新） |
| `s` `o` `g` | 行情：切换排序 / 反向 / 按环节分组（也可点击列标题） |
| `/` | 行情或催化剂：筛选（`esc` 清除） |
| `enter` | 行情：个股详情（走势图、收益、催化剂、指标读数） |
| `n` | 新增：行情页=添加股票，催化剂页=添加催化剂，指标页=记录读数，涨停池=把选中的涨停股加入当前题材 |
| `e` | 编辑选中的股票或催化剂 |
| `d` `m` | 行情：移除 / 移动选中的股票（到其他题材或环节） |
| `t` | 催化剂：更新状态和结果 |
| `a` | 催化剂：全部题材 / 当前题材 |
| `b` | 板块：东方财富概念/行业板块（搜索、成分股、`a` 把成分股加入当前题材、`c` 与当前题材对比） |
| `B` | 当前题材对比其记录的板块（`a` 加入板块有而题材无的股票，`x` 移出题材有而板块无的股票） |
| `R` | 重新读取 YAML 文件 |
| `l` | 提醒记录：触发过的提醒（含数据时间）和推送结果 |
| `ctrl+p` | 命令面板（所有操作） |
| `?` | 本帮助 |
| `q` | 退出 |

**行情**：按产业链环节分组的成分股及其报价：最新价、涨跌幅、成交额、换手率、总市值、5日/20日涨幅、
距下一个催化剂的交易日数（T-N，与催化剂页一致），以及 涨停/跌停（按板块涨跌幅限制）、停牌、ST、过期 标记。默认红涨绿跌（设置中可改）。
每行显示报价时间；交易时段内超过刷新间隔 1.5 倍未更新、或来自随附样本数据的报价都有明确标记。
上方为题材概况：平均/中位涨跌、涨跌家数、涨停跌停数、领涨（当日涨幅最大）与最弱、总成交额、相对基准的表现；
以及连板梯队：最高标（连板数最高的股票，同高度一字板优先）、梯队（如 5板×1 2板×2 首板×4）、炸板率（炸板÷触及涨停）、
晋级率（昨日涨停今日再涨停的比例）。"连板"列：`5板 一字`、`首板`、`炸板`、`跌停2`，按连板数排序；
带 `?` 表示按前复权价格推算、离涨跌停价在一分钱以内，未经原始价格确认。停牌日既不计入也不中断连板。

**催化剂**：按月分组；即将发生的事件按日期排列并显示倒计时（T-交易日 · 自然日，如"T-27 · 39天"）；
已过去的事件按时间倒序；未定日期的预期事件单独分组。日期只到月或季度的事件标"约"；交易日历（XSHG）数据之后的
交易日按工作日估算，标"≈"。日期已过但状态仍是"预期"的事件标 ⚠，提示需要更新状态。
`/` 筛选（空格分隔、须全部匹配：代码或名称、类型如 `政策`/`policy`、状态如 `预期`/`expected`、题材、标题词），`esc` 清除。
选中事件后下方显示：相关股票自事件前收盘以来的涨跌，以及来源所称反应旁的实测反应（题材成分股等权、相对沪深300的
超额收益，窗口 [-1,+1]、[0,+2]、[0,+4]，含样本数 n 与 t 值）；只有月/季度日期或未定日期的事件无法测量。

**指标**：最新读数、目标、进度条、方向、读数走势和状态（已达标 / 进度正常 / 落后 / 无数据 / 过期 / 无目标）。
读数超过指标的更新周期即为"过期"。

**指数**：题材成分股的等权和市值加权指数（以所选日期为100），与基准对比，及 1/5/20/60 日和年内涨幅；
下方为题材热度：每日涨停数、最高标高度、炸板率（近一年），看题材何时启动、何时退潮。

**涨停池**：全市场涨停股（东方财富涨停股池，刷新时获取，只提供近期交易日）：属于自选题材的按题材列出，
不属于任何题材的按所属行业分组（新题材往往从这里出现）；`n` 把选中的股票加入当前题材。
未取到时显示按日线计算的自选题材梯队，并注明。

**问题**：YAML 文件中的错误和警告（文件:行:列）。有错误的条目被跳过，其余内容照常加载。

**编辑**：表单在保存前校验，无效内容不会写入；写入保留注释和格式，上一版本存于同目录的 `.backup/` 文件夹。
文件在载入后被其他程序改动时不会覆盖，提示重新加载。在编辑器中直接修改 YAML，应用会在一两秒内自动重新加载；
新内容有误时继续显示上一个有效版本，并在"问题"页列出错误所在的行。

底部状态行：市场状态（集合竞价/交易中/午休/已收盘/休市）、数据时间、在线/离线、最近一次错误。
离线时显示本地缓存的最后数据并注明时间，不会清空。按 `esc` 关闭。
"""

HELP_EN = """\
# Help

| Key | Action |
|---|---|
| `1` `2` `3` `4` `5` `6` `7` | Board / Catalysts / Indicators / Index / Problems / Limit-up pool / Inbox |
| `a` `d` `s` `u` `o` `f` `M` | Inbox: accept (into the calendar) / dismiss / snooze / restore / open link / fetch / show muted |
| `]` `[` | Next / previous theme |
| `r` | Refresh quotes now (automatic at the set interval in trading hours) |
| `s` `o` `g` | Board: next sort / reverse / group by segment (or click a header) |
| `/` | Board or Catalysts: filter (`esc` clears) |
| `enter` | Board: stock detail (chart, returns, catalysts, readings) |
| `n` | New: a stock on Board, a catalyst on Catalysts, a reading on Indicators; on Limit-up pool, add the highlighted stock to the theme |
| `e` | Edit the highlighted stock or catalyst |
| `d` `m` | Board: remove / move the highlighted stock (other theme or segment) |
| `t` | Catalysts: set status and outcome |
| `a` | Catalysts: all themes / this theme |
| `b` | Boards: Eastmoney concept/industry boards (search, constituents, `a` adds one to the current theme, `c` compares with it) |
| `B` | The current theme against the boards it records (`a` adds a board member it lacks, `x` removes a stock no board has) |
| `R` | Reload the YAML files |
| `l` | Alerts log: the alerts that fired (with their figures' time) and the deliveries |
| `ctrl+p` | Command palette (every action) |
| `?` | This help |
| `q` | Quit |

**Board**: the theme's stocks by industry-chain segment with quotes: price, change %, turnover,
turnover rate, market cap, 5- and 20-session returns, trading days to the next catalyst (T-N, as on the catalysts tab), and flags for
limit-up/limit-down (by board limit), suspended, ST and stale. Red is up by default (settings can
flip it). Each row shows its quote time; quotes older than 1.5 refresh intervals in trading hours,
or from the shipped sample data, are marked. The header sums up the theme: average and median move,
up/down counts, limit-ups and limit-downs, top gainer (领涨) and laggard, turnover, move against the
benchmark; and the ladder: the highest streak (最高标: most consecutive limit-up closes, one-word
boards first on ties), the ladder (5B×1 2B×2 1st×4), the failed-seal rate (炸板 ÷ touched the
limit) and the promotion rate (yesterday's limit-ups that sealed again). The Ladder column shows
`5B 1W`, `1st`, `Failed`, `LD2` and sorts by streak; `?` marks a state read on forward-adjusted
prices within a cent of the limit. A suspended day neither counts nor breaks a streak.

**Catalysts**: grouped by month; upcoming events with a countdown in trading and calendar days
("T-27 · 39d"); past ones, most recent first; undated expected events in their own group. "~" marks
month- or quarter-precision dates; "≈" a countdown past the trading calendar's data (weekdays
assumed); ⚠ marks an expected event whose date has passed (its status needs updating). `/` filters
(space-separated tokens that must all match: code or name, kind such as `policy`, status such as
`expected`, theme, title words); `esc` clears. The panel below shows the stocks' moves since the
event and the measured reaction beside the claimed one (equal-weighted theme return against the
CSI 300 over [-1,+1], [0,+2], [0,+4], with n and t); month/quarter or undated events cannot be measured.

**Indicators**: latest reading, target, progress bar, good direction, a sparkline of readings and
the status (met / on track / off track / no data / stale / no target).

**Index**: equal- and cap-weighted indices of the theme's stocks (rebased to 100) against a
benchmark, with 1/5/20/60-session and year-to-date returns; under it the theme's daily heat over
the year (limit-up count, highest streak, failed-seal rate): when it ignited and when it cooled.

**Limit-up pool**: the whole market's limit-ups (Eastmoney's pool, fetched on refresh; recent
sessions only): those in your themes by theme, the rest grouped by industry (where new themes
start); `n` adds the highlighted stock to the selected theme. Without a pool, the ladder of your
themes' stocks from daily bars is shown, and said so.

**Problems**: errors and warnings in the YAML files (file:line:col). Entries with errors are
skipped; everything else loads.

**Editing**: forms validate before saving and write nothing invalid; comments and layout are kept
and the previous version is saved in a `.backup/` folder beside the file. A file changed on disk since it was loaded is not
overwritten (you are offered a reload). Files edited in an editor reload within a second or two; an
invalid file keeps showing its last valid version, with the error's line in Problems.

Status line: market state, data as-of time, online/offline, last error. Offline, the last stored
data stays on screen with its time; nothing is wiped. Press `esc` to close.
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
