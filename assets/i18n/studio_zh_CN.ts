<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>AllowedFoldersEditor</name>
    <message>
        <source>Flows may read files from their own folder and from the folders listed here. Files you pick, drop or type on the command line are always allowed.</source>
        <translation>流程可以读取其所在文件夹以及这里列出的文件夹中的文件。你选择、拖放或在命令行中输入的文件始终允许。</translation>
    </message>
    <message>
        <source>Add Folder…</source>
        <translation>添加文件夹…</translation>
    </message>
    <message>
        <source>Allow flows to read files in another folder</source>
        <translation>允许流程读取另一个文件夹中的文件</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Stop allowing the selected folder</source>
        <translation>不再允许所选文件夹</translation>
    </message>
    <message>
        <source>Allow a folder</source>
        <translation>允许一个文件夹</translation>
    </message>
</context>
<context>
    <name>ApiDialog</name>
    <message>
        <source>this flow</source>
        <translation>此流程</translation>
    </message>
    <message>
        <source>API: %s</source>
        <translation>API：%s</translation>
    </message>
    <message>
        <source>Endpoint</source>
        <translation>端点</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>Send it as the header “Authorization: Bearer KEY”.</source>
        <translation>以请求头“Authorization: Bearer KEY”发送。</translation>
    </message>
    <message>
        <source>curl</source>
        <translation>curl 命令</translation>
    </message>
    <message>
        <source>Python</source>
        <translation>Python 代码</translation>
    </message>
    <message>
        <source>JavaScript</source>
        <translation>JavaScript 代码</translation>
    </message>
    <message>
        <source>Copy code</source>
        <translation>复制代码</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Stop serving</source>
        <translation>停止服务</translation>
    </message>
    <message>
        <source>Start serving</source>
        <translation>开始服务</translation>
    </message>
    <message>
        <source>Save the flow first: the server serves flow files.</source>
        <translation>请先保存流程：服务器提供的是流程文件。</translation>
    </message>
    <message>
        <source>Serving the flows of %s at %s (this computer only).</source>
        <translation>正在提供 %s 中的流程，地址 %s（仅限本机）。</translation>
    </message>
    <message>
        <source>Starting the server…</source>
        <translation>正在启动服务器…</translation>
    </message>
    <message>
        <source>The server stopped: %s</source>
        <translation>服务器已停止：%s</translation>
    </message>
    <message>
        <source>Not serving. Start serving to call this flow from other programs on this computer.</source>
        <translation>未在提供服务。开始服务后，本机上的其他程序即可调用此流程。</translation>
    </message>
    <message>
        <source>Hide</source>
        <translation>隐藏</translation>
    </message>
</context>
<context>
    <name>ApiMenu</name>
    <message>
        <source>&amp;API…</source>
        <translation>API(&amp;A)…</translation>
    </message>
    <message>
        <source>Call this flow over HTTP: endpoint, key, code snippets, serving</source>
        <translation>通过 HTTP 调用此流程：端点、密钥、代码片段和服务开关</translation>
    </message>
</context>
<context>
    <name>ChatPanel</name>
    <message>
        <source>Session:</source>
        <translation>会话：</translation>
    </message>
    <message>
        <source>Memory nodes keep one conversation per session name</source>
        <translation>记忆节点按会话名称分别保存对话</translation>
    </message>
    <message>
        <source>New chat</source>
        <translation>新对话</translation>
    </message>
    <message>
        <source>Forget this conversation and start again</source>
        <translation>清除此对话并重新开始</translation>
    </message>
    <message>
        <source>Message the flow (it needs a Chat Input node)…</source>
        <translation>给流程发消息（流程需要一个聊天输入节点）…</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <source>Run the flow with this message (Enter)</source>
        <translation>用这条消息运行流程（回车）</translation>
    </message>
    <message>
        <source>(no reply)</source>
        <translation>（没有回复）</translation>
    </message>
    <message>
        <source>You</source>
        <translation>你</translation>
    </message>
    <message>
        <source>Flow</source>
        <translation>流程</translation>
    </message>
</context>
<context>
    <name>Commands</name>
    <message>
        <source>Add %s</source>
        <translation>添加 %s</translation>
    </message>
    <message>
        <source>Delete nodes</source>
        <translation>删除节点</translation>
    </message>
    <message>
        <source>Move nodes</source>
        <translation>移动节点</translation>
    </message>
    <message>
        <source>Auto layout</source>
        <translation>自动布局</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>连接</translation>
    </message>
    <message>
        <source>Disconnect</source>
        <translation>断开连接</translation>
    </message>
    <message>
        <source>Change settings</source>
        <translation>修改设置</translation>
    </message>
    <message>
        <source>Paste</source>
        <translation>粘贴</translation>
    </message>
    <message>
        <source>Add comment</source>
        <translation>添加注释框</translation>
    </message>
    <message>
        <source>Delete comments</source>
        <translation>删除注释框</translation>
    </message>
</context>
<context>
    <name>CommentItem</name>
    <message>
        <source>Default</source>
        <translation>默认</translation>
    </message>
    <message>
        <source>Red</source>
        <translation>红色</translation>
    </message>
    <message>
        <source>Orange</source>
        <translation>橙色</translation>
    </message>
    <message>
        <source>Yellow</source>
        <translation>黄色</translation>
    </message>
    <message>
        <source>Green</source>
        <translation>绿色</translation>
    </message>
    <message>
        <source>Teal</source>
        <translation>青色</translation>
    </message>
    <message>
        <source>Blue</source>
        <translation>蓝色</translation>
    </message>
    <message>
        <source>Purple</source>
        <translation>紫色</translation>
    </message>
    <message>
        <source>Grey</source>
        <translation>灰色</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>注释</translation>
    </message>
    <message>
        <source>Edit Title</source>
        <translation>编辑标题</translation>
    </message>
    <message>
        <source>Colour</source>
        <translation>颜色</translation>
    </message>
    <message>
        <source>Delete Comment</source>
        <translation>删除注释框</translation>
    </message>
</context>
<context>
    <name>ContextMenu</name>
    <message>
        <source>Run to Here</source>
        <translation>运行到此处</translation>
    </message>
    <message>
        <source>Run from Here</source>
        <translation>从此处运行</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Duplicate</source>
        <translation>创建副本</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>重命名…</translation>
    </message>
    <message>
        <source>Enable</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>Disable</source>
        <translation>停用</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Open Docs</source>
        <translation>打开文档</translation>
    </message>
    <message>
        <source>Delete Wire</source>
        <translation>删除连线</translation>
    </message>
    <message>
        <source>Insert Node…</source>
        <translation>插入节点…</translation>
    </message>
    <message>
        <source>Add Node…</source>
        <translation>添加节点…</translation>
    </message>
    <message>
        <source>Paste</source>
        <translation>粘贴</translation>
    </message>
    <message>
        <source>Select All</source>
        <translation>全选</translation>
    </message>
    <message>
        <source>Auto Layout</source>
        <translation>自动布局</translation>
    </message>
    <message>
        <source>Rename node</source>
        <translation>重命名节点</translation>
    </message>
    <message>
        <source>Title (empty for the default):</source>
        <translation>标题（留空则用默认标题）：</translation>
    </message>
    <message>
        <source>Inputs</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>Outputs</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
</context>
<context>
    <name>EditorTab</name>
    <message>
        <source>Not run: this node is switched off (right-click it to enable it).</source>
        <translation>未运行：此节点已停用（右键单击它可重新启用）。</translation>
    </message>
    <message>
        <source>Not run: %s before it is switched off.</source>
        <translation>未运行：它前面的 %s 已停用。</translation>
    </message>
    <message>
        <source>Waiting for your answer (Human Input panel)</source>
        <translation>等待你的回答（人工输入面板）</translation>
    </message>
</context>
<context>
    <name>ErrorText</name>
    <message>
        <source>Not run, because %s did not finish. Fix that node first.</source>
        <translation>未运行，因为 %s 没有完成。请先修复那个节点。</translation>
    </message>
    <message>
        <source>Not finished: the run was stopped.</source>
        <translation>未完成：运行已被停止。</translation>
    </message>
    <message>
        <source>The knowledge base “%s” does not exist. Create it on the Knowledge page, or pick an existing one in this node's settings.</source>
        <translation>知识库“%s”不存在。请在“知识库”页面创建它，或在此节点的设置中选择一个已有的知识库。</translation>
    </message>
    <message>
        <source>No knowledge base is chosen. Pick one in this node's “kb” setting.</source>
        <translation>尚未选择知识库。请在此节点的“kb”设置中选择一个。</translation>
    </message>
    <message>
        <source>Add your %s key in Settings → Models.</source>
        <translation>请在“设置 → 模型”中添加您的 %s 密钥。</translation>
    </message>
    <message>
        <source>Add this provider's API key in Settings → Models.</source>
        <translation>请在“设置 → 模型”中添加此提供商的 API 密钥。</translation>
    </message>
    <message>
        <source>Could not reach the server at %s. Check that it is running and that the address is right.</source>
        <translation>无法连接到位于 %s 的服务器。请检查它是否正在运行、地址是否正确。</translation>
    </message>
    <message>
        <source>%s is outside the allowed folders. Add its folder to the allowed folders in Settings, or pick the file in a file dialog.</source>
        <translation>%s 不在允许的文件夹内。请在“设置”中把它所在的文件夹加入允许的文件夹，或在文件对话框中选择该文件。</translation>
    </message>
    <message>
        <source>The model file %s was not found. Pick an installed model in this node's settings.</source>
        <translation>找不到模型文件 %s。请在此节点的设置中选择一个已安装的模型。</translation>
    </message>
    <message>
        <source>This node took too long. Try again, or raise its time limit in the node's settings.</source>
        <translation>此节点耗时过长。请重试，或在节点设置中提高它的时间限制。</translation>
    </message>
    <message>
        <source>The model's reply was not the JSON asked for. Try again, use a larger model, or loosen the schema.</source>
        <translation>模型的回复不是所要求的 JSON。请重试、换用更大的模型，或放宽 JSON 结构要求。</translation>
    </message>
    <message>
        <source>The text this node was given is not valid JSON. Check what comes into it, or turn off “strict” in its settings to get the problem on its “error” output instead.</source>
        <translation>此节点收到的文本不是有效的 JSON。请检查输入它的内容，或在其设置中关闭“strict”，让问题改从它的“error”输出给出。</translation>
    </message>
    <message>
        <source>This node stopped on an unexpected error. Details… shows what happened.</source>
        <translation>此节点因意外错误而停止。点击“详情…”查看发生了什么。</translation>
    </message>
    <message>
        <source>The setting “%s” of this node needs fixing: Details… says why.</source>
        <translation>此节点的设置“%s”需要修改：点击“详情…”查看原因。</translation>
    </message>
    <message>
        <source>This node could not do its job: Details… says why.</source>
        <translation>此节点未能完成它的工作：点击“详情…”查看原因。</translation>
    </message>
    <message>
        <source>%s failed: %s</source>
        <translation>%s 失败：%s</translation>
    </message>
    <message>
        <source>Details…</source>
        <translation>详情…</translation>
    </message>
    <message>
        <source>Show the technical text of this error</source>
        <translation>显示此错误的技术信息</translation>
    </message>
</context>
<context>
    <name>EvaluatePanel</name>
    <message>
        <source>Dataset</source>
        <translation>数据集</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>Save as JSONL</source>
        <translation>另存为 JSONL</translation>
    </message>
    <message>
        <source>Write the edited rows back to the dataset (JSONL)</source>
        <translation>将编辑后的行写回数据集（JSONL）</translation>
    </message>
    <message>
        <source>No dataset chosen (JSONL, JSON, CSV or XLSX)</source>
        <translation>未选择数据集（JSONL、JSON、CSV 或 XLSX）</translation>
    </message>
    <message>
        <source>Variants</source>
        <translation>变体</translation>
    </message>
    <message>
        <source>Variant</source>
        <translation>变体</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>节点</translation>
    </message>
    <message>
        <source>Setting</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>Each variant overrides node settings; no rows: the flow as it is</source>
        <translation>每个变体覆盖节点设置；没有行时按流程原样评估</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Load file…</source>
        <translation>加载文件…</translation>
    </message>
    <message>
        <source>Setup</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Results</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Compare runs</source>
        <translation>比较运行</translation>
    </message>
    <message>
        <source>Compare with the earlier run:</source>
        <translation>与之前的运行比较：</translation>
    </message>
    <message>
        <source>Metric</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>Before</source>
        <translation>之前</translation>
    </message>
    <message>
        <source>After</source>
        <translation>之后</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>变化</translation>
    </message>
    <message>
        <source>%d cells got worse</source>
        <translation>%d 个单元格变差</translation>
    </message>
    <message>
        <source>Cost (y) against mean latency (x) per variant</source>
        <translation>各变体的成本（纵轴）与平均延迟（横轴）</translation>
    </message>
    <message>
        <source>Run evaluation</source>
        <translation>运行评估</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Run the cells this evaluation has not finished yet</source>
        <translation>运行此评估尚未完成的单元格</translation>
    </message>
    <message>
        <source>Open report</source>
        <translation>打开报告</translation>
    </message>
    <message>
        <source>Mean scores appear here after a run</source>
        <translation>运行后在此显示平均分</translation>
    </message>
    <message>
        <source>Your rating of the selected cell:</source>
        <translation>你对所选单元格的评分：</translation>
    </message>
    <message>
        <source>Show on canvas</source>
        <translation>在画布上显示</translation>
    </message>
    <message>
        <source>Show this cell's run on the flow's canvas (each node's output); double-click a cell too</source>
        <translation>在流程画布上显示此单元格的运行（每个节点的输出）；也可双击单元格</translation>
    </message>
    <message>
        <source>Good answer</source>
        <translation>好的回答</translation>
    </message>
    <message>
        <source>Bad answer</source>
        <translation>差的回答</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <source>▲ Good</source>
        <translation>▲ 好</translation>
    </message>
    <message>
        <source>▼ Bad</source>
        <translation>▼ 差</translation>
    </message>
    <message>
        <source>Choose a dataset</source>
        <translation>选择数据集</translation>
    </message>
    <message>
        <source>Datasets (*.jsonl *.ndjson *.json *.csv *.xlsx);;All files (*)</source>
        <translation>数据集 (*.jsonl *.ndjson *.json *.csv *.xlsx);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Cannot read %s: %s</source>
        <translation>无法读取 %s：%s</translation>
    </message>
    <message>
        <source>%s — first %d rows (read-only)</source>
        <translation>%s — 前 %d 行（只读）</translation>
    </message>
    <message>
        <source>%s — %d rows</source>
        <translation>%s — %d 行</translation>
    </message>
    <message>
        <source>Saved %s</source>
        <translation>已保存 %s</translation>
    </message>
    <message>
        <source>Load variants</source>
        <translation>加载变体</translation>
    </message>
    <message>
        <source>Variants (*.json *.yaml *.yml);;All files (*)</source>
        <translation>变体文件 (*.json *.yaml *.yml);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Open a flow first</source>
        <translation>请先打开一个流程</translation>
    </message>
    <message>
        <source>Choose a dataset first</source>
        <translation>请先选择数据集</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <source>Resuming…</source>
        <translation>正在继续…</translation>
    </message>
    <message>
        <source>%d of %d cells, %d failed</source>
        <translation>%d / %d 个单元格，%d 个失败</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>%s: %d cells, %d failed, %d from cache</source>
        <translation>%s：%d 个单元格，%d 个失败，%d 个来自缓存</translation>
    </message>
    <message>
        <source>The evaluation failed</source>
        <translation>评估失败</translation>
    </message>
    <message>
        <source>Rating saved</source>
        <translation>评分已保存</translation>
    </message>
</context>
<context>
    <name>FieldEditor</name>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Choose a file</source>
        <translation>选择文件</translation>
    </message>
    <message>
        <source>Choose a folder</source>
        <translation>选择文件夹</translation>
    </message>
    <message>
        <source>(empty)</source>
        <translation>（空）</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>Not valid JSON: %s</source>
        <translation>不是有效的 JSON：%s</translation>
    </message>
</context>
<context>
    <name>FindBar</name>
    <message>
        <source>Find:</source>
        <translation>查找：</translation>
    </message>
    <message>
        <source>Node name or type</source>
        <translation>节点名称或类型</translation>
    </message>
    <message>
        <source>Previous match (Shift+Enter)</source>
        <translation>上一个匹配 (Shift+Enter)</translation>
    </message>
    <message>
        <source>Next match (Enter)</source>
        <translation>下一个匹配 (Enter)</translation>
    </message>
    <message>
        <source>Close (Esc)</source>
        <translation>关闭 (Esc)</translation>
    </message>
    <message>
        <source>No match</source>
        <translation>无匹配</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>第 %1 个，共 %2 个</translation>
    </message>
</context>
<context>
    <name>FlowDocument</name>
    <message>
        <source>Untitled flow</source>
        <translation>未命名流程</translation>
    </message>
    <message>
        <source>Move comment</source>
        <translation>移动注释框</translation>
    </message>
    <message>
        <source>Resize comment</source>
        <translation>调整注释框大小</translation>
    </message>
    <message>
        <source>Edit comment</source>
        <translation>编辑注释</translation>
    </message>
    <message>
        <source>Colour comment</source>
        <translation>更改注释框颜色</translation>
    </message>
</context>
<context>
    <name>FlowScene</name>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>connect an output to an input</source>
        <translation>请把输出连接到输入</translation>
    </message>
    <message>
        <source>no such port</source>
        <translation>没有这个端口</translation>
    </message>
    <message>
        <source>Connect an output to an input.</source>
        <translation>请把输出连接到输入。</translation>
    </message>
    <message>
        <source>Cannot connect: %s</source>
        <translation>无法连接：%s</translation>
    </message>
</context>
<context>
    <name>HistoryPanel</name>
    <message>
        <source>Today %s</source>
        <translation>今天 %s</translation>
    </message>
    <message>
        <source>Yesterday %s</source>
        <translation>昨天 %s</translation>
    </message>
    <message>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Flow</source>
        <translation>流程</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>耗时</translation>
    </message>
    <message>
        <source>Tokens</source>
        <translation>词元数</translation>
    </message>
    <message>
        <source>Cost</source>
        <translation>费用</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>节点</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>Past runs; select one to see what each node did</source>
        <translation>历史运行；选择一次查看每个节点的结果</translation>
    </message>
    <message>
        <source>succeeded</source>
        <translation>成功</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
</context>
<context>
    <name>HumanPanel</name>
    <message>
        <source>Human Input</source>
        <translation>人工输入</translation>
    </message>
    <message>
        <source>No run is waiting for an answer.</source>
        <translation>没有运行在等待回答。</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Continue the run with these answers</source>
        <translation>用这些回答继续运行</translation>
    </message>
    <message>
        <source>The run is waiting for your answer.</source>
        <translation>运行正在等待你的回答。</translation>
    </message>
    <message>
        <source>Arguments</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>Your answer</source>
        <translation>你的回答</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>回答</translation>
    </message>
    <message>
        <source>Allow the call to tool %s?</source>
        <translation>允许调用工具 %s 吗？</translation>
    </message>
    <message>
        <source>Approve</source>
        <translation>批准</translation>
    </message>
    <message>
        <source>Deny</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <source>No answer in %d s: continues with “%s”</source>
        <translation>%d 秒内无回答：将以“%s”继续</translation>
    </message>
    <message>
        <source>Time is up: continues with “%s”</source>
        <translation>时间已到：将以“%s”继续</translation>
    </message>
    <message>
        <source>Answer every question first.</source>
        <translation>请先回答所有问题。</translation>
    </message>
    <message>
        <source>The run could not continue: another run is going.</source>
        <translation>无法继续运行：另一个运行正在进行。</translation>
    </message>
    <message>
        <source>Continuing the run…</source>
        <translation>正在继续运行…</translation>
    </message>
</context>
<context>
    <name>Inspector</name>
    <message>
        <source>&lt;i&gt;Select a node to see its settings.&lt;/i&gt;</source>
        <translation>&lt;i&gt;选择一个节点以查看其设置。&lt;/i&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;%s&lt;/b&gt;&lt;br&gt;This node type is not installed; its settings are kept as they are.</source>
        <translation>&lt;b&gt;%s&lt;/b&gt;&lt;br&gt;未安装此节点类型；其设置保持不变。</translation>
    </message>
    <message>
        <source>Advanced settings</source>
        <translation>高级设置</translation>
    </message>
    <message>
        <source>Show or hide the less common settings</source>
        <translation>显示或隐藏不常用的设置</translation>
    </message>
    <message>
        <source>a secret is chosen by NAME (letters, digits, _), never by value</source>
        <translation>密钥按名称选择（字母、数字、_），不能填写密钥值</translation>
    </message>
    <message>
        <source>Not valid JSON: %s</source>
        <translation>不是有效的 JSON：%s</translation>
    </message>
</context>
<context>
    <name>KnowledgeBaseCombo</name>
    <message>
        <source>does not exist yet</source>
        <translation>尚不存在</translation>
    </message>
    <message>
        <source>No knowledge base has this name: an Ingest node creates it, or make it in Window &gt; Knowledge Bases</source>
        <translation>没有叫这个名称的知识库：导入节点会创建它，也可以在“窗口 &gt; 知识库”中新建</translation>
    </message>
</context>
<context>
    <name>KnowledgeMenu</name>
    <message>
        <source>&amp;Knowledge Bases…</source>
        <translation>知识库(&amp;K)…</translation>
    </message>
    <message>
        <source>Make, fill, search and delete knowledge bases</source>
        <translation>新建、填充、搜索和删除知识库</translation>
    </message>
</context>
<context>
    <name>KnowledgePage</name>
    <message>
        <source>Knowledge bases</source>
        <translation>知识库</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Chunks</source>
        <translation>分块</translation>
    </message>
    <message>
        <source>Embedding model</source>
        <translation>嵌入模型</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Last updated</source>
        <translation>最近更新</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>得分</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>New…</source>
        <translation>新建…</translation>
    </message>
    <message>
        <source>Make an empty knowledge base</source>
        <translation>新建一个空的知识库</translation>
    </message>
    <message>
        <source>Add Files…</source>
        <translation>添加文件…</translation>
    </message>
    <message>
        <source>Add files to the selected knowledge base</source>
        <translation>把文件添加到所选知识库</translation>
    </message>
    <message>
        <source>Add Folder…</source>
        <translation>添加文件夹…</translation>
    </message>
    <message>
        <source>Add every supported file of a folder</source>
        <translation>添加文件夹中所有支持的文件</translation>
    </message>
    <message>
        <source>Re-ingest Changed</source>
        <translation>重新导入已更改的文件</translation>
    </message>
    <message>
        <source>Read again the files that changed since they were added</source>
        <translation>重新读取添加后有改动的文件</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <source>Delete the selected knowledge base and its files</source>
        <translation>删除所选知识库及其文件</translation>
    </message>
    <message>
        <source>Drop files or folders here to add them to the selected knowledge base (or to a new one). Text, Markdown, PDF, HTML, JSON, CSV and DOCX files are read.</source>
        <translation>把文件或文件夹拖放到这里，即可添加到所选知识库（或新建一个）。可读取文本、Markdown、PDF、HTML、JSON、CSV 和 DOCX 文件。</translation>
    </message>
    <message>
        <source>Sources</source>
        <translation>来源文件</translation>
    </message>
    <message>
        <source>Remove Source</source>
        <translation>移除来源</translation>
    </message>
    <message>
        <source>Take the selected files out of the knowledge base</source>
        <translation>把所选文件从知识库中移除</translation>
    </message>
    <message>
        <source>Files not added</source>
        <translation>未能添加的文件</translation>
    </message>
    <message>
        <source>Try a question or keywords…</source>
        <translation>试试一个问题或关键词…</translation>
    </message>
    <message>
        <source>Search Passages</source>
        <translation>搜索段落</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop; the files added so far stay, whole</source>
        <translation>停止；已添加的文件完整保留</translation>
    </message>
    <message>
        <source>Could not read the knowledge bases.</source>
        <translation>无法读取知识库。</translation>
    </message>
    <message>
        <source>No knowledge bases yet: press New…, or drop a folder here.</source>
        <translation>还没有知识库：点击“新建…”，或把文件夹拖放到这里。</translation>
    </message>
    <message>
        <source>%1 of %2 files</source>
        <translation>%1 / %2 个文件</translation>
    </message>
    <message>
        <source>%1 chunks, %2 chunks/s</source>
        <translation>%1 个分块，每秒 %2 个分块</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <source>Could not make the knowledge base '%s'.</source>
        <translation>无法新建知识库“%s”。</translation>
    </message>
    <message>
        <source>Could not add the files to '%s'.</source>
        <translation>无法把文件添加到“%s”。</translation>
    </message>
    <message>
        <source>Made the knowledge base '%s'. Drop files or folders here to fill it.</source>
        <translation>已新建知识库“%s”。把文件或文件夹拖放到这里来填充它。</translation>
    </message>
    <message>
        <source>Stopped. '%1' keeps the %2 files added before Cancel.</source>
        <translation>已停止。“%1”保留了取消前添加的 %2 个文件。</translation>
    </message>
    <message>
        <source>'%1': %2 files added, %3 chunks new, %4 files could not be added.</source>
        <translation>“%1”：已添加 %2 个文件，新增 %3 个分块，%4 个文件未能添加。</translation>
    </message>
    <message>
        <source>Add files</source>
        <translation>添加文件</translation>
    </message>
    <message>
        <source>Add a folder</source>
        <translation>添加文件夹</translation>
    </message>
    <message>
        <source>Could not re-ingest '%s'.</source>
        <translation>无法重新导入“%s”。</translation>
    </message>
    <message>
        <source>Select a source to remove first.</source>
        <translation>请先选择要移除的来源。</translation>
    </message>
    <message>
        <source>Removed %1 chunks from '%2'.</source>
        <translation>已从“%2”移除 %1 个分块。</translation>
    </message>
    <message>
        <source>Could not remove the source.</source>
        <translation>无法移除该来源。</translation>
    </message>
    <message>
        <source>Delete knowledge base</source>
        <translation>删除知识库</translation>
    </message>
    <message>
        <source>Delete the knowledge base '%s' and all its chunks? Flows that use it will stop finding anything.</source>
        <translation>删除知识库“%s”及其所有分块吗？使用它的流程将再也检索不到内容。</translation>
    </message>
    <message>
        <source>Deleted the knowledge base '%s'.</source>
        <translation>已删除知识库“%s”。</translation>
    </message>
    <message>
        <source>Could not delete '%s'.</source>
        <translation>无法删除“%s”。</translation>
    </message>
    <message>
        <source>Select a knowledge base and type something to look for.</source>
        <translation>请选择一个知识库，并输入要查找的内容。</translation>
    </message>
    <message>
        <source>The search failed.</source>
        <translation>搜索失败。</translation>
    </message>
    <message>
        <source>Nothing found.</source>
        <translation>没有找到内容。</translation>
    </message>
    <message>
        <source>%s passages found, best first.</source>
        <translation>找到 %s 个段落，最相关的在前。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>&amp;New</source>
        <translation>新建(&amp;N)</translation>
    </message>
    <message>
        <source>Start a new, empty flow</source>
        <translation>新建一个空流程</translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation>打开(&amp;O)…</translation>
    </message>
    <message>
        <source>Open a flow file</source>
        <translation>打开流程文件</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <source>Save the flow</source>
        <translation>保存流程</translation>
    </message>
    <message>
        <source>Save &amp;As…</source>
        <translation>另存为(&amp;A)…</translation>
    </message>
    <message>
        <source>Save the flow under a new name</source>
        <translation>以新名称保存流程</translation>
    </message>
    <message>
        <source>Re&amp;name Flow…</source>
        <translation>重命名流程(&amp;N)…</translation>
    </message>
    <message>
        <source>Change the flow's name (also a double-click on its tab)</source>
        <translation>更改流程名称（也可双击其标签页）</translation>
    </message>
    <message>
        <source>&amp;Close</source>
        <translation>关闭(&amp;C)</translation>
    </message>
    <message>
        <source>Close this flow</source>
        <translation>关闭此流程</translation>
    </message>
    <message>
        <source>Start &amp;Page</source>
        <translation>起始页(&amp;P)</translation>
    </message>
    <message>
        <source>Show templates and recent files</source>
        <translation>显示模板和最近的文件</translation>
    </message>
    <message>
        <source>Se&amp;ttings…</source>
        <translation>设置(&amp;T)…</translation>
    </message>
    <message>
        <source>API keys, theme and language</source>
        <translation>API 密钥、主题和语言</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>Quit Chain Studio</source>
        <translation>退出 Chain Studio</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <source>Undo the last edit</source>
        <translation>撤销上一次编辑</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <source>Redo the edit just undone</source>
        <translation>重做刚撤销的编辑</translation>
    </message>
    <message>
        <source>Cu&amp;t</source>
        <translation>剪切(&amp;T)</translation>
    </message>
    <message>
        <source>Cut the selected nodes</source>
        <translation>剪切所选节点</translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>复制(&amp;C)</translation>
    </message>
    <message>
        <source>Copy the selected nodes</source>
        <translation>复制所选节点</translation>
    </message>
    <message>
        <source>&amp;Paste</source>
        <translation>粘贴(&amp;P)</translation>
    </message>
    <message>
        <source>Paste nodes</source>
        <translation>粘贴节点</translation>
    </message>
    <message>
        <source>&amp;Duplicate</source>
        <translation>创建副本(&amp;D)</translation>
    </message>
    <message>
        <source>Duplicate the selected nodes</source>
        <translation>为所选节点创建副本</translation>
    </message>
    <message>
        <source>De&amp;lete</source>
        <translation>删除(&amp;L)</translation>
    </message>
    <message>
        <source>Delete the selected nodes and wires</source>
        <translation>删除所选节点和连线</translation>
    </message>
    <message>
        <source>Select &amp;All</source>
        <translation>全选(&amp;A)</translation>
    </message>
    <message>
        <source>Select every node</source>
        <translation>选择所有节点</translation>
    </message>
    <message>
        <source>&amp;Find Node…</source>
        <translation>查找节点(&amp;F)…</translation>
    </message>
    <message>
        <source>Find a node by name or type</source>
        <translation>按名称或类型查找节点</translation>
    </message>
    <message>
        <source>&amp;Add Node…</source>
        <translation>添加节点(&amp;A)…</translation>
    </message>
    <message>
        <source>Find a node type and place it (also Tab or double-click)</source>
        <translation>查找节点类型并放置（也可按 Tab 或双击）</translation>
    </message>
    <message>
        <source>Add &amp;Comment Around Selection</source>
        <translation>为所选内容添加注释框(&amp;C)</translation>
    </message>
    <message>
        <source>Frame the selected nodes (or the view's centre) with a comment box</source>
        <translation>用注释框框住所选节点（未选择时放在视图中央）</translation>
    </message>
    <message>
        <source>Auto &amp;Layout</source>
        <translation>自动布局(&amp;L)</translation>
    </message>
    <message>
        <source>Arrange the selection, or the whole flow, left to right</source>
        <translation>从左到右排列所选内容或整个流程</translation>
    </message>
    <message>
        <source>&amp;Fit to View</source>
        <translation>适合窗口(&amp;F)</translation>
    </message>
    <message>
        <source>Show the whole flow</source>
        <translation>显示整个流程</translation>
    </message>
    <message>
        <source>Zoom &amp;In</source>
        <translation>放大(&amp;I)</translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation>放大</translation>
    </message>
    <message>
        <source>Zoom &amp;Out</source>
        <translation>缩小(&amp;O)</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <source>&amp;Snap to Grid</source>
        <translation>对齐网格(&amp;S)</translation>
    </message>
    <message>
        <source>Align nodes to the grid when moving them</source>
        <translation>移动节点时对齐到网格</translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation>运行(&amp;R)</translation>
    </message>
    <message>
        <source>Run the whole flow (F5)</source>
        <translation>运行整个流程 (F5)</translation>
    </message>
    <message>
        <source>Run with &amp;Inputs…</source>
        <translation>输入后运行(&amp;I)…</translation>
    </message>
    <message>
        <source>Ask for the flow's inputs, then run it (Alt+F5)</source>
        <translation>先询问流程的输入，再运行（Alt+F5）</translation>
    </message>
    <message>
        <source>Run &amp;to Selected</source>
        <translation>运行到所选节点(&amp;T)</translation>
    </message>
    <message>
        <source>Run the selected node and what it needs</source>
        <translation>运行所选节点及其依赖</translation>
    </message>
    <message>
        <source>Run &amp;from Selected</source>
        <translation>从所选节点运行(&amp;F)</translation>
    </message>
    <message>
        <source>Re-run the selected node and everything after it</source>
        <translation>重新运行所选节点及其后的所有节点</translation>
    </message>
    <message>
        <source>&amp;Stop</source>
        <translation>停止(&amp;S)</translation>
    </message>
    <message>
        <source>Stop the run (Shift+F5)</source>
        <translation>停止运行 (Shift+F5)</translation>
    </message>
    <message>
        <source>&amp;Keyboard Shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message>
        <source>Every action and its keyboard shortcut</source>
        <translation>所有操作及其键盘快捷键</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Window</source>
        <translation>窗口(&amp;W)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>Main toolbar</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>Nodes</source>
        <translation>节点</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>Run history</source>
        <translation>运行历史</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>聊天</translation>
    </message>
    <message>
        <source>Evaluate</source>
        <translation>评估</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>重做</translation>
    </message>
    <message>
        <source>Cannot open %s</source>
        <translation>无法打开 %s</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>That run is not in this flow's history</source>
        <translation>该运行不在此流程的历史记录中</translation>
    </message>
    <message>
        <source>Open flow</source>
        <translation>打开流程</translation>
    </message>
    <message>
        <source>Flow files (*.json);;All files (*)</source>
        <translation>流程文件 (*.json);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Save flow</source>
        <translation>保存流程</translation>
    </message>
    <message>
        <source>Flow files (*.json)</source>
        <translation>流程文件 (*.json)</translation>
    </message>
    <message>
        <source>Could not save</source>
        <translation>无法保存</translation>
    </message>
    <message>
        <source>Saved %s</source>
        <translation>已保存 %s</translation>
    </message>
    <message>
        <source>Save flow as</source>
        <translation>流程另存为</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>未保存的更改</translation>
    </message>
    <message>
        <source>Save the changes to %s before closing?</source>
        <translation>关闭前是否保存对 %s 的更改？</translation>
    </message>
    <message>
        <source>Recover unsaved work?</source>
        <translation>恢复未保存的工作？</translation>
    </message>
    <message>
        <source>Chain Studio did not close cleanly. Recover these flows?

%s</source>
        <translation>Chain Studio 上次未正常关闭。是否恢复这些流程？

%s</translation>
    </message>
    <message>
        <source>Cannot paste: %s</source>
        <translation>无法粘贴：%s</translation>
    </message>
    <message>
        <source>No node matches '%s'.</source>
        <translation>没有与“%s”匹配的节点。</translation>
    </message>
    <message>
        <source>Rename flow</source>
        <translation>重命名流程</translation>
    </message>
    <message>
        <source>Name of this flow:</source>
        <translation>此流程的名称：</translation>
    </message>
    <message>
        <source>No installed node loads %s</source>
        <translation>没有已安装的节点能加载 %s</translation>
    </message>
    <message>
        <source>&amp;Large Chat</source>
        <translation>大窗口聊天(&amp;L)</translation>
    </message>
    <message>
        <source>Show the chat in a large window (again: dock it back)</source>
        <translation>在大窗口中显示聊天（再按一次：停靠回原处）</translation>
    </message>
</context>
<context>
    <name>McpConnect</name>
    <message>
        <source>Start an MCP server?</source>
        <translation>启动 MCP 服务器？</translation>
    </message>
    <message>
        <source>This flow wants to start a program on this computer as an MCP server:

%s

Start it?</source>
        <translation>此流程要在本机启动一个程序作为 MCP 服务器：

%s

要启动它吗？</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>连接</translation>
    </message>
    <message>
        <source>Connect to the server now and list its tools</source>
        <translation>立即连接服务器并列出其工具</translation>
    </message>
    <message>
        <source>Set a command or a URL first.</source>
        <translation>请先设置命令或 URL。</translation>
    </message>
    <message>
        <source>Not connected: starting the command was declined.</source>
        <translation>未连接：已拒绝启动该命令。</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <source>%d tool(s):</source>
        <translation>%d 个工具：</translation>
    </message>
</context>
<context>
    <name>MetricPicker</name>
    <message>
        <source>Metrics</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>Judge model (for judge metrics)</source>
        <translation>评审模型（用于评审类指标）</translation>
    </message>
    <message>
        <source>From file…</source>
        <translation>从文件…</translation>
    </message>
    <message>
        <source>Read the option from a file (a JSON schema, a rubric)</source>
        <translation>从文件读取选项（JSON Schema 或评分标准）</translation>
    </message>
    <message>
        <source>a reference column</source>
        <translation>参考答案列</translation>
    </message>
    <message>
        <source>retrieved contexts</source>
        <translation>检索到的上下文</translation>
    </message>
    <message>
        <source>a judge model</source>
        <translation>评审模型</translation>
    </message>
    <message>
        <source>embeddings (offline)</source>
        <translation>向量嵌入（离线）</translation>
    </message>
    <message>
        <source>two variants</source>
        <translation>两个变体</translation>
    </message>
    <message>
        <source>Needs: %s</source>
        <translation>需要：%s</translation>
    </message>
    <message>
        <source>nothing</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Option: %s (select the metric, then type it below)</source>
        <translation>选项：%s（选中该指标，然后在下方输入）</translation>
    </message>
    <message>
        <source>Option of %s: %s</source>
        <translation>%s 的选项：%s</translation>
    </message>
    <message>
        <source>Select a metric that takes an option (regex, json_schema, geval, …)</source>
        <translation>选择一个带选项的指标（regex、json_schema、geval…）</translation>
    </message>
    <message>
        <source>Option file</source>
        <translation>选项文件</translation>
    </message>
    <message>
        <source>Tick at least one metric</source>
        <translation>请至少勾选一个指标</translation>
    </message>
</context>
<context>
    <name>ModelPicker</name>
    <message>
        <source>Add a provider…</source>
        <translation>添加服务商…</translation>
    </message>
    <message>
        <source>Built-in</source>
        <translation>内置</translation>
    </message>
    <message>
        <source>Installed GGUF</source>
        <translation>已安装的 GGUF</translation>
    </message>
</context>
<context>
    <name>ModelsMenu</name>
    <message>
        <source>&amp;Models…</source>
        <translation>模型(&amp;M)…</translation>
    </message>
    <message>
        <source>Download, add, test and choose chat and embedding models</source>
        <translation>下载、添加、测试并选择对话模型和嵌入模型</translation>
    </message>
</context>
<context>
    <name>ModelsPage</name>
    <message>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Installed</source>
        <translation>已安装</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>Catalogue</source>
        <translation>模型目录</translation>
    </message>
    <message>
        <source>Languages</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>RAM</source>
        <translation>内存</translation>
    </message>
    <message>
        <source>Licence</source>
        <translation>许可证</translation>
    </message>
    <message>
        <source>★ good in Chinese</source>
        <translation>★ 中文表现好</translation>
    </message>
    <message>
        <source>Pull</source>
        <translation>下载</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>测试</translation>
    </message>
    <message>
        <source>A short prompt to the selected installed model, and its speed</source>
        <translation>向所选的已安装模型发送一个简短提示，并显示其速度</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>default (2048)</source>
        <translation>默认（2048）</translation>
    </message>
    <message>
        <source>Save settings</source>
        <translation>保存设置</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <source>Download this embedding model now (else on first use)</source>
        <translation>现在下载此嵌入模型（否则在首次使用时下载）</translation>
    </message>
    <message>
        <source>Threads</source>
        <translation>线程数</translation>
    </message>
    <message>
        <source>Context length</source>
        <translation>上下文长度</translation>
    </message>
    <message>
        <source>GPU layers</source>
        <translation>GPU 层数</translation>
    </message>
    <message>
        <source>Default chat model</source>
        <translation>默认对话模型</translation>
    </message>
    <message>
        <source>Default embedding model</source>
        <translation>默认嵌入模型</translation>
    </message>
    <message>
        <source>built-in</source>
        <translation>内置</translation>
    </message>
    <message>
        <source>Downloaded models use %s</source>
        <translation>已下载的模型占用 %s</translation>
    </message>
    <message>
        <source>installed</source>
        <translation>已安装</translation>
    </message>
    <message>
        <source>Chinese</source>
        <translation>中文</translation>
    </message>
    <message>
        <source>English</source>
        <translation>英语</translation>
    </message>
    <message>
        <source>French</source>
        <translation>法语</translation>
    </message>
    <message>
        <source>Spanish</source>
        <translation>西班牙语</translation>
    </message>
    <message>
        <source>Portuguese</source>
        <translation>葡萄牙语</translation>
    </message>
    <message>
        <source>German</source>
        <translation>德语</translation>
    </message>
    <message>
        <source>Italian</source>
        <translation>意大利语</translation>
    </message>
    <message>
        <source>Russian</source>
        <translation>俄语</translation>
    </message>
    <message>
        <source>Japanese</source>
        <translation>日语</translation>
    </message>
    <message>
        <source>Korean</source>
        <translation>韩语</translation>
    </message>
    <message>
        <source>Vietnamese</source>
        <translation>越南语</translation>
    </message>
    <message>
        <source>Thai</source>
        <translation>泰语</translation>
    </message>
    <message>
        <source>Arabic</source>
        <translation>阿拉伯语</translation>
    </message>
    <message>
        <source>Hindi</source>
        <translation>印地语</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>%s: not found at %s</source>
        <translation>%s：在 %s 未找到</translation>
    </message>
    <message>
        <source>%s needs about %g GB of memory, more than is free now; it may run very slowly.</source>
        <translation>%s 大约需要 %g GB 内存，超过当前可用内存；运行可能会非常慢。</translation>
    </message>
    <message>
        <source>Downloading %s…</source>
        <translation>正在下载 %s…</translation>
    </message>
    <message>
        <source>The download of %s failed unexpectedly; try again</source>
        <translation>%s 下载意外失败，请重试</translation>
    </message>
    <message>
        <source>Download complete.</source>
        <translation>下载完成。</translation>
    </message>
    <message>
        <source>%s is ready for new knowledge bases.</source>
        <translation>%s 已就绪，可用于新的知识库。</translation>
    </message>
    <message>
        <source>Layers to run on the GPU</source>
        <translation>在 GPU 上运行的层数</translation>
    </message>
    <message>
        <source>This build of llama-cpp-python has no GPU support: every layer runs on the CPU</source>
        <translation>此版本的 llama-cpp-python 不支持 GPU：所有层都在 CPU 上运行</translation>
    </message>
    <message>
        <source>Settings saved for %s.</source>
        <translation>已保存 %s 的设置。</translation>
    </message>
    <message>
        <source>Testing %s…</source>
        <translation>正在测试 %s…</translation>
    </message>
    <message>
        <source>The test of %s failed; check that the file is a chat model</source>
        <translation>%s 测试失败，请确认该文件是对话模型</translation>
    </message>
    <message>
        <source>%s: %.1f tokens/s. Reply: %s</source>
        <translation>%s：每秒 %.1f 个词元。回复：%s</translation>
    </message>
    <message>
        <source>Removed %s.</source>
        <translation>已移除 %s。</translation>
    </message>
</context>
<context>
    <name>NewKnowledgeBaseDialog</name>
    <message>
        <source>New knowledge base</source>
        <translation>新建知识库</translation>
    </message>
    <message>
        <source>letters, digits, '_', '-' or '.'</source>
        <translation>字母、数字、'_'、'-' 或 '.'</translation>
    </message>
    <message>
        <source>The model that turns text into vectors; the knowledge base keeps it for good</source>
        <translation>把文本转换为向量的模型；知识库会一直使用它</translation>
    </message>
    <message>
        <source>By headings, then about 600 characters (good for manuals)</source>
        <translation>先按标题，再按约 600 个字符（适合手册）</translation>
    </message>
    <message>
        <source>Paragraphs of about 1000 characters</source>
        <translation>约 1000 个字符的段落</translation>
    </message>
    <message>
        <source>Short pieces of about 400 characters (precise answers)</source>
        <translation>约 400 个字符的短片段（回答更精确）</translation>
    </message>
    <message>
        <source>200 tokens of the embedding model</source>
        <translation>嵌入模型的 200 个 Token</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Embedding model</source>
        <translation>嵌入模型</translation>
    </message>
    <message>
        <source>Splitter</source>
        <translation>切分方式</translation>
    </message>
    <message>
        <source>Give the knowledge base a name.</source>
        <translation>请给知识库起一个名称。</translation>
    </message>
    <message>
        <source>Use 1-64 letters, digits, '_', '-' or '.', starting with a letter or digit.</source>
        <translation>请使用 1-64 个字母、数字、'_'、'-' 或 '.'，并以字母或数字开头。</translation>
    </message>
    <message>
        <source>A knowledge base named '%s' exists already.</source>
        <translation>名为“%s”的知识库已经存在。</translation>
    </message>
</context>
<context>
    <name>NoKeyring</name>
    <message>
        <source>No keyring found</source>
        <translation>未找到密钥环</translation>
    </message>
    <message>
        <source>No system keyring was found on this computer, so the key for %s cannot be saved securely. Your other settings are saved as usual.</source>
        <translation>此计算机上没有找到系统密钥环，因此无法安全保存 %s 的密钥。其他设置照常保存。</translation>
    </message>
    <message>
        <source>Keep the key for this session only (it is forgotten when Chain Studio closes), or set the environment variable %s before starting Chain Studio.</source>
        <translation>可以仅在本次会话中保留该密钥（关闭 Chain Studio 后即被遗忘），或在启动 Chain Studio 之前设置环境变量 %s。</translation>
    </message>
    <message>
        <source>Keep for this session only</source>
        <translation>仅在本次会话中保留</translation>
    </message>
    <message>
        <source>Use an environment variable (%s)</source>
        <translation>使用环境变量（%s）</translation>
    </message>
    <message>
        <source>To use the key, set the environment variable %s (for example `export %s=...` in your shell profile) and restart Chain Studio.</source>
        <translation>要使用该密钥，请设置环境变量 %s（例如在 shell 配置文件中写入 `export %s=...`），然后重新启动 Chain Studio。</translation>
    </message>
</context>
<context>
    <name>NodeEdits</name>
    <message>
        <source>Rename flow</source>
        <translation>重命名流程</translation>
    </message>
    <message>
        <source>Disable nodes</source>
        <translation>停用节点</translation>
    </message>
    <message>
        <source>Enable nodes</source>
        <translation>启用节点</translation>
    </message>
    <message>
        <source>Rename node</source>
        <translation>重命名节点</translation>
    </message>
    <message>
        <source>Insert node</source>
        <translation>插入节点</translation>
    </message>
</context>
<context>
    <name>NodeItem</name>
    <message>
        <source>text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>messages</source>
        <translation>消息</translation>
    </message>
    <message>
        <source>documents</source>
        <translation>文档</translation>
    </message>
    <message>
        <source>number</source>
        <translation>数字</translation>
    </message>
    <message>
        <source>true/false</source>
        <translation>真/假</translation>
    </message>
    <message>
        <source>JSON</source>
        <translation>JSON</translation>
    </message>
    <message>
        <source>embedding</source>
        <translation>向量</translation>
    </message>
    <message>
        <source>tool</source>
        <translation>工具</translation>
    </message>
    <message>
        <source>any type</source>
        <translation>任意类型</translation>
    </message>
    <message>
        <source>queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>cached</source>
        <translation>已缓存</translation>
    </message>
    <message>
        <source>done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>skipped</source>
        <translation>已跳过</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>not run</source>
        <translation>未运行</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <source>output</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>input</source>
        <translation>输入</translation>
    </message>
</context>
<context>
    <name>OutputPanel</name>
    <message>
        <source>Key</source>
        <translation>键</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>得分</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>Which output of the node to show</source>
        <translation>显示节点的哪个输出</translation>
    </message>
    <message>
        <source>How to show it</source>
        <translation>显示方式</translation>
    </message>
    <message>
        <source>Auto</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>Markdown</source>
        <translation>Markdown</translation>
    </message>
    <message>
        <source>JSON tree</source>
        <translation>JSON 树</translation>
    </message>
    <message>
        <source>Details…</source>
        <translation>详情…</translation>
    </message>
    <message>
        <source>Show the technical text of this error</source>
        <translation>显示此错误的技术信息</translation>
    </message>
    <message>
        <source>From an earlier run: not the result of the last run</source>
        <translation>来自更早的运行：不是上次运行的结果</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>Run the flow, then select a node to see its output.</source>
        <translation>运行流程，然后选择一个节点查看其输出。</translation>
    </message>
    <message>
        <source>(no output yet)</source>
        <translation>（暂无输出）</translation>
    </message>
</context>
<context>
    <name>Palette</name>
    <message>
        <source>in:</source>
        <translation>输入：</translation>
    </message>
    <message>
        <source>out:</source>
        <translation>输出：</translation>
    </message>
    <message>
        <source>Search nodes…</source>
        <translation>搜索节点…</translation>
    </message>
    <message>
        <source>Type to filter node types by name, category or description</source>
        <translation>输入以按名称、类别或描述筛选节点类型</translation>
    </message>
    <message>
        <source>Drag a node onto the canvas, or double-click to add it</source>
        <translation>将节点拖到画布上，或双击添加</translation>
    </message>
</context>
<context>
    <name>QuickAdd</name>
    <message>
        <source>Add node</source>
        <translation>添加节点</translation>
    </message>
    <message>
        <source>Type to search, Enter to add</source>
        <translation>输入以搜索，按回车添加</translation>
    </message>
</context>
<context>
    <name>RunInputsDialog</name>
    <message>
        <source>Run “%s”</source>
        <translation>运行“%s”</translation>
    </message>
    <message>
        <source>Don't ask again for this flow</source>
        <translation>此流程不再询问</translation>
    </message>
    <message>
        <source>F5 runs with these values from now on; Run ▸ Run with Inputs… (Alt+F5) asks again</source>
        <translation>此后按 F5 将使用这些值运行；“运行 ▸ 输入后运行…”（Alt+F5）会再次询问</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Values for this run (the last run's are filled in):</source>
        <translation>本次运行的输入值（已填入上次运行的值）：</translation>
    </message>
    <message>
        <source>Fill in the required input “%s”.</source>
        <translation>请填写必填输入“%s”。</translation>
    </message>
</context>
<context>
    <name>RunMixin</name>
    <message>
        <source>Select a node first.</source>
        <translation>请先选择一个节点。</translation>
    </message>
    <message>
        <source>A run is already going.</source>
        <translation>已有运行正在进行。</translation>
    </message>
    <message>
        <source>This flow is empty: there is nothing to run. Add nodes from the Nodes panel first.</source>
        <translation>此流程是空的：没有可运行的内容。请先从“节点”面板添加节点。</translation>
    </message>
    <message>
        <source>Nothing to run</source>
        <translation>没有可运行的内容</translation>
    </message>
    <message>
        <source>Cannot run</source>
        <translation>无法运行</translation>
    </message>
    <message>
        <source>fix these first</source>
        <translation>请先修复这些问题</translation>
    </message>
    <message>
        <source>Cannot run: %s</source>
        <translation>无法运行：%s</translation>
    </message>
    <message>
        <source>Could not start the run: %s</source>
        <translation>无法开始运行：%s</translation>
    </message>
    <message>
        <source>Running…</source>
        <translation>运行中…</translation>
    </message>
    <message>
        <source>This flow has no Chat Input node to send messages to.</source>
        <translation>此流程没有可接收消息的聊天输入节点。</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <source>Run succeeded</source>
        <translation>运行成功</translation>
    </message>
    <message>
        <source>Run failed</source>
        <translation>运行失败</translation>
    </message>
    <message>
        <source>Run stopped</source>
        <translation>运行已停止</translation>
    </message>
    <message>
        <source>Run waiting for an answer (Human Input panel)</source>
        <translation>运行正在等待回答（人工输入面板）</translation>
    </message>
    <message>
        <source>%s in %s, %s</source>
        <translation>%s，用时 %s，%s</translation>
    </message>
    <message>
        <source>Flow outputs</source>
        <translation>流程输出</translation>
    </message>
    <message>
        <source>(no output from this run)</source>
        <translation>（本次运行没有输出）</translation>
    </message>
    <message>
        <source>The run could not start: %s</source>
        <translation>运行无法开始：%s</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>could not start</source>
        <translation>无法开始</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <source>not run in the last run</source>
        <translation>上次运行中未运行</translation>
    </message>
    <message>
        <source>(not run yet)</source>
        <translation>（尚未运行）</translation>
    </message>
    <message>
        <source>≈%d tokens (estimated)</source>
        <translation>≈%d 个词元（估算）</translation>
    </message>
    <message>
        <source>%d tokens</source>
        <translation>%d 个词元</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>API keys</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <source>Models &amp;&amp; cache</source>
        <translation>模型和缓存</translation>
    </message>
    <message>
        <source>Appearance</source>
        <translation>外观</translation>
    </message>
    <message>
        <source>&lt;b&gt;API keys&lt;/b&gt; (kept in the system keyring, never in flow files)</source>
        <translation>&lt;b&gt;API 密钥&lt;/b&gt;（保存在系统密钥环中，绝不写入流程文件）</translation>
    </message>
    <message>
        <source>unchanged</source>
        <translation>不变</translation>
    </message>
    <message>
        <source>not set</source>
        <translation>未设置</translation>
    </message>
    <message>
        <source>Stored as %s in the keyring; leave empty to keep the current key</source>
        <translation>以 %s 保存在密钥环中；留空则保留当前密钥</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>测试</translation>
    </message>
    <message>
        <source>Save the key typed here, then make a one-token call to check that it works</source>
        <translation>保存此处输入的密钥，然后发起一次单个 token 的调用来检查它是否可用</translation>
    </message>
    <message>
        <source>Put .gguf model files here to use them offline</source>
        <translation>将 .gguf 模型文件放在这里即可离线使用</translation>
    </message>
    <message>
        <source>Open Folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <source>Show the local model folder in the file manager</source>
        <translation>在文件管理器中显示本地模型文件夹</translation>
    </message>
    <message>
        <source>Local model folder</source>
        <translation>本地模型文件夹</translation>
    </message>
    <message>
        <source>Folders</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>none yet</source>
        <translation>暂无</translation>
    </message>
    <message>
        <source>Change…</source>
        <translation>更改…</translation>
    </message>
    <message>
        <source>Choose another folder of .gguf models</source>
        <translation>选择另一个存放 .gguf 模型的文件夹</translation>
    </message>
    <message>
        <source>Local models found</source>
        <translation>已找到的本地模型</translation>
    </message>
    <message>
        <source>each node type's own default</source>
        <translation>使用各节点类型自己的默认值</translation>
    </message>
    <message>
        <source>The model new LLM nodes start with</source>
        <translation>新建 LLM 节点时使用的模型</translation>
    </message>
    <message>
        <source>Default model for new LLM nodes</source>
        <translation>新 LLM 节点的默认模型</translation>
    </message>
    <message>
        <source>off (e.g. http://127.0.0.1:4318)</source>
        <translation>关闭（例如 http://127.0.0.1:4318）</translation>
    </message>
    <message>
        <source>Send runs as OpenTelemetry traces to this collector</source>
        <translation>把运行作为 OpenTelemetry 追踪发送到这个收集器</translation>
    </message>
    <message>
        <source>Traces (OTLP endpoint)</source>
        <translation>追踪（OTLP 端点）</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Forget every cached node output; the next runs compute them again</source>
        <translation>清除所有缓存的节点输出；之后的运行会重新计算</translation>
    </message>
    <message>
        <source>Run cache</source>
        <translation>运行缓存</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <source>Follow system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Colours of the windows and the canvas</source>
        <translation>窗口和画布的颜色</translation>
    </message>
    <message>
        <source>Switches at once; open flows stay as they are</source>
        <translation>立即切换；已打开的流程保持不变</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>%s of saved node outputs</source>
        <translation>已保存的节点输出共 %s</translation>
    </message>
    <message>
        <source>The system keyring could not store %s; try again, or set it as an environment variable</source>
        <translation>系统密钥环无法保存 %s，请重试，或将其设置为环境变量</translation>
    </message>
    <message>
        <source>kept for this session</source>
        <translation>仅本次会话有效</translation>
    </message>
    <message>
        <source>Testing…</source>
        <translation>正在测试…</translation>
    </message>
    <message>
        <source>The key works.</source>
        <translation>密钥可用。</translation>
    </message>
    <message>
        <source>The key did not work: %s</source>
        <translation>密钥不可用：%s</translation>
    </message>
    <message>
        <source>Traces: the OTLP endpoint must start with http:// or https://</source>
        <translation>追踪：OTLP 端点必须以 http:// 或 https:// 开头</translation>
    </message>
    <message>
        <source>No translation file for %s</source>
        <translation>没有 %s 的翻译文件</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <source>Canvas</source>
        <translation>画布</translation>
    </message>
    <message>
        <source>Add a node at the cursor</source>
        <translation>在光标处添加节点</translation>
    </message>
    <message>
        <source>Tab, or double-click the canvas</source>
        <translation>Tab 键，或双击画布</translation>
    </message>
    <message>
        <source>Menu for a node, wire or the canvas</source>
        <translation>节点、连线或画布的菜单</translation>
    </message>
    <message>
        <source>Right-click</source>
        <translation>右键单击</translation>
    </message>
    <message>
        <source>Pan</source>
        <translation>平移</translation>
    </message>
    <message>
        <source>Middle button drag, or Space + drag</source>
        <translation>按住中键拖动，或按住空格键拖动</translation>
    </message>
    <message>
        <source>Zoom at the cursor</source>
        <translation>以光标为中心缩放</translation>
    </message>
    <message>
        <source>Mouse wheel</source>
        <translation>鼠标滚轮</translation>
    </message>
    <message>
        <source>Select several nodes</source>
        <translation>选择多个节点</translation>
    </message>
    <message>
        <source>Drag a box on the canvas</source>
        <translation>在画布上拖出选框</translation>
    </message>
    <message>
        <source>Draw a wire</source>
        <translation>连线</translation>
    </message>
    <message>
        <source>Drag from a port to a port</source>
        <translation>从一个端口拖到另一个端口</translation>
    </message>
    <message>
        <source>Close the find bar</source>
        <translation>关闭查找栏</translation>
    </message>
    <message>
        <source>Esc</source>
        <translation>Esc</translation>
    </message>
    <message>
        <source>Keyboard Shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <source>Filter by action or key</source>
        <translation>按操作或按键筛选</translation>
    </message>
    <message>
        <source>Menu</source>
        <translation>菜单</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Shortcut</source>
        <translation>快捷键</translation>
    </message>
</context>
<context>
    <name>StartPage</name>
    <message>
        <source>Chain Studio</source>
        <translation>Chain Studio</translation>
    </message>
    <message>
        <source>Build LLM apps by wiring nodes together. Start from a template, or from a blank canvas.</source>
        <translation>通过连接节点构建 LLM 应用。可以从模板开始，也可以从空白画布开始。</translation>
    </message>
    <message>
        <source>New blank flow</source>
        <translation>新建空白流程</translation>
    </message>
    <message>
        <source>Start an empty flow (Ctrl+N)</source>
        <translation>新建一个空流程 (Ctrl+N)</translation>
    </message>
    <message>
        <source>Open…</source>
        <translation>打开…</translation>
    </message>
    <message>
        <source>Open a flow file (Ctrl+O)</source>
        <translation>打开流程文件 (Ctrl+O)</translation>
    </message>
    <message>
        <source>Templates</source>
        <translation>模板</translation>
    </message>
    <message>
        <source>Double-click a template to open a copy of it</source>
        <translation>双击模板以打开其副本</translation>
    </message>
    <message>
        <source>Recent files</source>
        <translation>最近的文件</translation>
    </message>
    <message>
        <source>Double-click to open</source>
        <translation>双击打开</translation>
    </message>
    <message>
        <source>(no templates found in flows/)</source>
        <translation>（flows/ 中没有找到模板）</translation>
    </message>
</context>
<context>
    <name>StatusLine</name>
    <message>
        <source>Message</source>
        <translation>消息</translation>
    </message>
</context>
<context>
    <name>catalogue</name>
    <message>
        <source>'[EMAIL]' labels, or '*' masks keeping the last 4.</source>
        <translation>使用 '[EMAIL]' 这样的标签，或用 '*' 遮盖并保留最后 4 位。</translation>
    </message>
    <message>
        <source>'json' asks for a JSON reply; 'json_schema' one matching the schema.</source>
        <translation>'json' 要求回复 JSON；'json_schema' 要求回复符合 schema 的 JSON。</translation>
    </message>
    <message>
        <source>'local/all-minilm-l6-v2' (built in, offline, English), any fastembed model name when online (e.g. 'BAAI/bge-small-zh-v1.5' for Chinese), or 'litellm/&lt;provider model&gt;'.</source>
        <translation>'local/all-minilm-l6-v2'（内置、离线、英文），联网时可用任意 fastembed 模型名称（中文可用 'BAAI/bge-small-zh-v1.5'），或 'litellm/&lt;提供商模型&gt;'。</translation>
    </message>
    <message>
        <source>'local/smollm2-135m-instruct' (built in), 'local/&lt;name&gt;' for a .gguf in the models folder, a .gguf path, or an API model such as 'openai/gpt-4o-mini', 'anthropic/claude-haiku-4-5', 'ollama/llama3.1'.</source>
        <translation>'local/smollm2-135m-instruct'（内置）、'local/&lt;名称&gt;'（模型文件夹中的 .gguf）、.gguf 文件路径，或 API 模型，例如 'openai/gpt-4o-mini'、'anthropic/claude-haiku-4-5'、'ollama/llama3.1'。</translation>
    </message>
    <message>
        <source>. matches newlines too.</source>
        <translation>. 也匹配换行符。</translation>
    </message>
    <message>
        <source>0 = most relevant only, 1 = most diverse.</source>
        <translation>0 = 只看相关性，1 = 尽量多样。</translation>
    </message>
    <message>
        <source>0 = the whole match; 1, 2, ... = that parenthesised group; or a group name from (?P&lt;name&gt;...).</source>
        <translation>0 = 整个匹配；1、2…… = 对应的括号分组；也可以是 (?P&lt;name&gt;...) 中的分组名。</translation>
    </message>
    <message>
        <source>0 gives the same answer every time; higher varies more.</source>
        <translation>设为 0 时每次给出相同的答案；越高变化越大。</translation>
    </message>
    <message>
        <source>0 keeps the agent's choices repeatable.</source>
        <translation>设为 0 时，智能体的选择可以复现。</translation>
    </message>
    <message>
        <source>0.75 x F1 of the judge's TP/FP/FN claims against the reference + 0.25 x similarity (Ragas).</source>
        <translation>0.75 × 评审模型对照参考答案判定的 TP/FP/FN 陈述的 F1 + 0.25 × 相似度（Ragas）。</translation>
    </message>
    <message>
        <source>0.75 x claim F1 against the reference + 0.25 x embedding similarity (Ragas weights).</source>
        <translation>0.75 × 相对参考答案的陈述 F1 + 0.25 × 向量相似度（Ragas 权重）。</translation>
    </message>
    <message>
        <source>1 when the answer cites at least one source it was given ([n] markers or a Sources list).</source>
        <translation>回答至少引用了一个所给来源（[n] 标记或来源列表）时为 1。</translation>
    </message>
    <message>
        <source>1 when the answer contains the given text (contains:TEXT), or else the reference.</source>
        <translation>回答包含给定文本（contains:TEXT，未给出则为参考答案）时为 1。</translation>
    </message>
    <message>
        <source>1 when the answer equals the reference (ignoring case, spaces and punctuation).</source>
        <translation>回答与参考答案相同（忽略大小写、空格和标点）时为 1。</translation>
    </message>
    <message>
        <source>1 when the answer is JSON matching the schema (json_schema:@schema.json).</source>
        <translation>回答是符合该 Schema 的 JSON（json_schema:@schema.json）时为 1。</translation>
    </message>
    <message>
        <source>1 when the answer is valid JSON (a ```json fence around it is allowed).</source>
        <translation>回答是有效 JSON（允许外面包一层 ```json 代码块）时为 1。</translation>
    </message>
    <message>
        <source>1 when the answer matches the regular expression (regex:PATTERN).</source>
        <translation>回答匹配该正则表达式（regex:PATTERN）时为 1。</translation>
    </message>
    <message>
        <source>1 when the answer refuses or says it cannot answer.</source>
        <translation>回答拒绝或表示无法回答时为 1。</translation>
    </message>
    <message>
        <source>A 1-5 score with a reason for a rubric you write (geval:@rubric.txt), G-Eval style.</source>
        <translation>按你编写的评分标准给出 1-5 分及理由（geval:@rubric.txt），G-Eval 方式。</translation>
    </message>
    <message>
        <source>A Python regular expression.</source>
        <translation>Python 正则表达式。</translation>
    </message>
    <message>
        <source>A ReAct agent (Thought / Action / Observation) with a calculator; every step shows as a trace event.</source>
        <translation>带计算器的 ReAct 智能体（思考 / 行动 / 观察）；每一步都显示为一条跟踪事件。</translation>
    </message>
    <message>
        <source>A ReAct agent using a tool of an MCP server (the offline demo server's word count). The server starts only after approval: `studio run flows/mcp_agent.json --allow-mcp`.</source>
        <translation>使用 MCP 服务器上一个工具（离线演示服务器的字数统计）的 ReAct 智能体。服务器须经批准才会启动：`studio run flows/mcp_agent.json --allow-mcp`。</translation>
    </message>
    <message>
        <source>A ReAct agent using the tools of an MCP server (the offline demo server: word count, today's date). The server starts only after approval: `studio run flows/mcp_agent.json --allow-mcp`.</source>
        <translation>使用 MCP 服务器工具的 ReAct 智能体（离线演示服务器：字数统计、今天的日期）。服务器须经批准才会启动：`studio run flows/mcp_agent.json --allow-mcp`。</translation>
    </message>
    <message>
        <source>A chatbot that remembers the conversation per session: `studio chat flows/memory_chatbot.json --session alice`.</source>
        <translation>按会话记住对话内容的聊天机器人：`studio chat flows/memory_chatbot.json --session alice`。</translation>
    </message>
    <message>
        <source>A conversation to shorten.</source>
        <translation>要缩短的对话。</translation>
    </message>
    <message>
        <source>A list of example objects, e.g. {input, output}.</source>
        <translation>示例对象列表，例如 {input, output}。</translation>
    </message>
    <message>
        <source>A pattern the reply must contain (Python regex).</source>
        <translation>回复中必须包含的模式（Python 正则表达式）。</translation>
    </message>
    <message>
        <source>A person's 1-5 rating: the dataset's 'human_rating' column, or one saved in the Studio.</source>
        <translation>人工给出的 1-5 分：数据集中的 'human_rating' 列，或在 Studio 中保存的评分。</translation>
    </message>
    <message>
        <source>A result of the flow, printed by `studio run` and returned to parent flows.</source>
        <translation>流程的一个结果，由 `studio run` 打印，并返回给上级流程。</translation>
    </message>
    <message>
        <source>A streamable HTTP server URL (instead of a command).</source>
        <translation>可流式 HTTP 服务器的 URL（代替命令）。</translation>
    </message>
    <message>
        <source>A supervisor hands parts of a request to two worker agents (a calculator-using analyst and a writer) and answers from their replies.</source>
        <translation>主管把请求的各部分交给两个工作智能体（会用计算器的分析员和撰稿人），再根据它们的回复作答。</translation>
    </message>
    <message>
        <source>A system message with the summary, then the recent turns.</source>
        <translation>一条包含摘要的系统消息，后接最近的轮次。</translation>
    </message>
    <message>
        <source>A system note with the recalled turns, then the recent turns.</source>
        <translation>一条包含取回轮次的系统说明，后接最近的轮次。</translation>
    </message>
    <message>
        <source>A text to shorten (e.g. retrieved context).</source>
        <translation>要缩短的文本（例如检索到的上下文）。</translation>
    </message>
    <message>
        <source>A text value given when the flow runs.</source>
        <translation>运行流程时提供的文本值。</translation>
    </message>
    <message>
        <source>A vector, or a list of vectors.</source>
        <translation>一个向量，或向量列表。</translation>
    </message>
    <message>
        <source>Adaptive Retriever</source>
        <translation>自适应检索器</translation>
    </message>
    <message>
        <source>Adds chunks to a knowledge base: unchanged sources are skipped, changed ones replaced, and (optionally) sources no longer present removed. One writer at a time per base.</source>
        <translation>把分块加入知识库：未变化的来源会跳过，已变化的会替换，不再存在的来源可选择移除。每个知识库同一时间只允许一个写入者。</translation>
    </message>
    <message>
        <source>Agents</source>
        <translation>智能体</translation>
    </message>
    <message>
        <source>All Matches</source>
        <translation>全部匹配</translation>
    </message>
    <message>
        <source>Allow Hosts</source>
        <translation>允许的主机</translation>
    </message>
    <message>
        <source>Allow Loopback</source>
        <translation>允许回环地址</translation>
    </message>
    <message>
        <source>Allow Network</source>
        <translation>允许联网</translation>
    </message>
    <message>
        <source>Allow Private</source>
        <translation>允许内网地址</translation>
    </message>
    <message>
        <source>Allow a loopback or private-network URL (a server on this machine).</source>
        <translation>允许回环或私有网络 URL（本机上的服务器）。</translation>
    </message>
    <message>
        <source>Allow loopback and private-network addresses.</source>
        <translation>允许回环地址和内网地址。</translation>
    </message>
    <message>
        <source>Allowed Folders</source>
        <translation>允许的文件夹</translation>
    </message>
    <message>
        <source>Allowed Tools</source>
        <translation>允许的工具</translation>
    </message>
    <message>
        <source>Also ask an LLM whether the text is an injection.</source>
        <translation>同时让大语言模型判断文本是否为注入。</translation>
    </message>
    <message>
        <source>Also search with the question itself.</source>
        <translation>同时用问题本身检索。</translation>
    </message>
    <message>
        <source>An LLM classifier sends a support message to the billing, technical or general branch; only that branch runs, then one reply is written.</source>
        <translation>大语言模型分类器把客服消息分到账单、技术或一般分支；只运行该分支，然后写出一条回复。</translation>
    </message>
    <message>
        <source>Analyst (worker)</source>
        <translation>分析员（工作智能体）</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>回答</translation>
    </message>
    <message>
        <source>Answer a question from a knowledge base with the local model: vector search, numbered sources, cited answer.</source>
        <translation>用本地模型根据知识库回答问题：向量检索、编号来源、带引用的回答。</translation>
    </message>
    <message>
        <source>Answer with sources</source>
        <translation>带来源的回答</translation>
    </message>
    <message>
        <source>Api Base</source>
        <translation>API 地址</translation>
    </message>
    <message>
        <source>Api key</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <source>Arguments</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>Arguments (over the ones in the settings).</source>
        <translation>参数（覆盖设置中的参数）。</translation>
    </message>
    <message>
        <source>Arguments sent with every call.</source>
        <translation>每次调用都发送的参数。</translation>
    </message>
    <message>
        <source>Arguments to run the tool once on its own.</source>
        <translation>单独运行一次工具时使用的参数。</translation>
    </message>
    <message>
        <source>Ask the user before every call that uses a write method.</source>
        <translation>每次使用写入类方法调用前先询问用户。</translation>
    </message>
    <message>
        <source>Ask the user before every run.</source>
        <translation>每次运行前先询问用户。</translation>
    </message>
    <message>
        <source>Asks a model which route fits the text (e.g. billing / technical / other) and sends the text down it; a reply naming no route takes the default route.</source>
        <translation>询问模型哪条路由适合这段文本（例如 账单 / 技术 / 其他），并把文本发往该路由；回复中没有指明路由时走默认路由。</translation>
    </message>
    <message>
        <source>Asks the LLM for N rewordings of the question, searches with each (and the original) and merges the results, keeping each chunk's best score.</source>
        <translation>让大语言模型把问题改写成 N 种说法，分别（连同原问题）检索并合并结果，每个分块保留其最高分。</translation>
    </message>
    <message>
        <source>Asks the LLM whether answering needs the documents (small talk and general knowledge do not). Retrieves only when it says yes; 'retrieved' says what happened.</source>
        <translation>询问大语言模型回答是否需要查阅文档（闲聊和常识不需要）。只有回答“需要”时才检索；“retrieved”输出说明了实际情况。</translation>
    </message>
    <message>
        <source>Asks the model for a plan (JSON steps over the tools), runs the steps in order with each result available to later steps, re-plans when a step fails, then writes the answer (when the re-plans run out, from the steps that worked, and it says so).</source>
        <translation>让模型制定计划（基于工具的 JSON 步骤），按顺序执行各步骤，每步结果可供后续步骤使用；某步失败时重新规划，最后写出答案（重新规划次数用完时，根据成功的步骤作答，并会说明这一点）。</translation>
    </message>
    <message>
        <source>Asks the model for a plan (JSON steps over the tools), runs the steps in order with each result available to later steps, re-plans when a step fails, then writes the answer.</source>
        <translation>先让模型制定计划（以 JSON 列出调用工具的步骤），按顺序执行各步骤，每一步的结果都可供后续步骤使用；某一步失败时重新规划，最后写出答案。</translation>
    </message>
    <message>
        <source>At most this many parts (0 = no limit); the last keeps the rest.</source>
        <translation>最多拆成这么多段（0 = 不限）；最后一段保留剩余部分。</translation>
    </message>
    <message>
        <source>Audience (LLM)</source>
        <translation>受众（大语言模型）</translation>
    </message>
    <message>
        <source>Audience prompt</source>
        <translation>受众提示词</translation>
    </message>
    <message>
        <source>Base URL; a relative 'url' argument is joined to it.</source>
        <translation>基础 URL；相对的 'url' 参数会拼接在其后。</translation>
    </message>
    <message>
        <source>Basic prompt</source>
        <translation>基础提示词</translation>
    </message>
    <message>
        <source>Billing prompt</source>
        <translation>账单提示词</translation>
    </message>
    <message>
        <source>Block Injection</source>
        <translation>拦截注入</translation>
    </message>
    <message>
        <source>Brief</source>
        <translation>简报</translation>
    </message>
    <message>
        <source>Builds the messages for a chat model: a system message, few-shot example pairs, the conversation history (optional) and the user message. System and user are Jinja2 templates whose {{ variables }} become inputs; examples are used as written.</source>
        <translation>为对话模型构建消息：系统消息、少样本示例对、对话历史（可选）和用户消息。系统消息和用户消息是 Jinja2 模板，其中的 {{ variables }} 会成为输入；示例按原样使用。</translation>
    </message>
    <message>
        <source>CPU time limit.</source>
        <translation>CPU 时间限制。</translation>
    </message>
    <message>
        <source>CSV files: a row template such as '{question}: {answer}'.</source>
        <translation>CSV 文件：行模板，例如 '{question}: {answer}'。</translation>
    </message>
    <message>
        <source>CSV files: the column holding the text (none: every column as 'name: value' lines).</source>
        <translation>CSV 文件：存放文本的列（不填：每一列都写成“列名: 值”的行）。</translation>
    </message>
    <message>
        <source>CSV files: the column holding the text.</source>
        <translation>CSV 文件：存放文本的列。</translation>
    </message>
    <message>
        <source>Calculator</source>
        <translation>计算器</translation>
    </message>
    <message>
        <source>Calls a web API. Loopback, private and link-local addresses are refused unless allowed; every redirect is checked; size and time are limited.</source>
        <translation>调用 Web API。除非明确允许，否则拒绝回环、内网和链路本地地址；每次重定向都会检查；大小和时间均有限制。</translation>
    </message>
    <message>
        <source>Calls one tool of an MCP server (a stdio command or an HTTP URL) with JSON arguments and gives its result as text. A command starts only after your approval and ends with the call.</source>
        <translation>用 JSON 参数调用 MCP 服务器（stdio 命令或 HTTP URL）的一个工具，以文本给出结果。命令须经你批准才会启动，并随调用结束。</translation>
    </message>
    <message>
        <source>Calls tools with structured JSON calls (a tool name and arguments checked against the tool's schema), reads the results and answers.</source>
        <translation>以结构化 JSON 调用工具（工具名称和参数，参数按工具的 schema 校验），读取结果后作答。</translation>
    </message>
    <message>
        <source>Candidates</source>
        <translation>候选数量</translation>
    </message>
    <message>
        <source>Candidates considered.</source>
        <translation>参与挑选的候选数量。</translation>
    </message>
    <message>
        <source>Candidates to reorder.</source>
        <translation>要重新排序的候选项。</translation>
    </message>
    <message>
        <source>Chain of thought</source>
        <translation>思维链</translation>
    </message>
    <message>
        <source>Chain-of-thought prompt</source>
        <translation>思维链提示词</translation>
    </message>
    <message>
        <source>Characters in the answer.</source>
        <translation>回答的字符数。</translation>
    </message>
    <message>
        <source>Characters shared by neighbouring chunks.</source>
        <translation>相邻分块之间重叠的字符数。</translation>
    </message>
    <message>
        <source>Chat Input</source>
        <translation>聊天输入</translation>
    </message>
    <message>
        <source>Chat Prompt</source>
        <translation>对话提示词</translation>
    </message>
    <message>
        <source>Chat message</source>
        <translation>聊天消息</translation>
    </message>
    <message>
        <source>Checked in order; the first true one is taken.</source>
        <translation>按顺序检查，采用第一个为真的路由。</translation>
    </message>
    <message>
        <source>Checks a reply against a JSON schema, a regex and length limits. Valid replies go out of 'valid', others out of 'invalid'. With the conversation wired in and retries set, the LLM is asked again with the errors.</source>
        <translation>按 JSON schema、正则表达式和长度限制检查回复。合格的回复从“valid”输出，其余从“invalid”输出。若接入了对话并设置了重试次数，会带着错误信息再次询问大语言模型。</translation>
    </message>
    <message>
        <source>Choices</source>
        <translation>选项</translation>
    </message>
    <message>
        <source>Chunk Overlap</source>
        <translation>分块重叠</translation>
    </message>
    <message>
        <source>Chunk Size</source>
        <translation>分块大小</translation>
    </message>
    <message>
        <source>Chunk Tokens</source>
        <translation>分块词元数</translation>
    </message>
    <message>
        <source>Chunks added and removed, sources changed, table version.</source>
        <translation>新增和删除的分块、变化的来源、表版本。</translation>
    </message>
    <message>
        <source>Chunks found (empty when retrieval was skipped).</source>
        <translation>找到的分块（跳过检索时为空）。</translation>
    </message>
    <message>
        <source>Chunks found, best first, with a score.</source>
        <translation>找到的分块，按相关度从高到低排列，带分数。</translation>
    </message>
    <message>
        <source>Chunks found.</source>
        <translation>找到的分块。</translation>
    </message>
    <message>
        <source>Chunks from all rounds, fused.</source>
        <translation>所有轮次找到的分块，已融合。</translation>
    </message>
    <message>
        <source>Chunks with metadata.source.</source>
        <translation>带有 metadata.source 的分块。</translation>
    </message>
    <message>
        <source>Chunks with source, chunk number, start and page/heading.</source>
        <translation>分块，带来源、分块序号、起始位置以及页码/标题。</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>Command</source>
        <translation>命令</translation>
    </message>
    <message>
        <source>Concurrency</source>
        <translation>并发数</translation>
    </message>
    <message>
        <source>Connects to an MCP server (a stdio command or an HTTP URL) when the run needs it and gives its tools to agents. A command starts only after your approval; results are untrusted text.</source>
        <translation>在运行需要时连接 MCP 服务器（stdio 命令或 HTTP URL），并把它的工具交给智能体。命令须经你批准才会启动；工具结果是不可信文本。</translation>
    </message>
    <message>
        <source>Contact (JSON)</source>
        <translation>联系人（JSON）</translation>
    </message>
    <message>
        <source>Control Flow</source>
        <translation>流程控制</translation>
    </message>
    <message>
        <source>Conversation Memory</source>
        <translation>对话记忆</translation>
    </message>
    <message>
        <source>Conversation memory</source>
        <translation>对话记忆</translation>
    </message>
    <message>
        <source>Cost Budget Usd</source>
        <translation>费用预算（美元）</translation>
    </message>
    <message>
        <source>Counts the tokens a text or a conversation takes for a model.</source>
        <translation>统计一段文本或一段对话在某个模型下占用的词元数。</translation>
    </message>
    <message>
        <source>Cpu S</source>
        <translation>CPU 时间（秒）</translation>
    </message>
    <message>
        <source>Cross Encoder</source>
        <translation>交叉编码器</translation>
    </message>
    <message>
        <source>Csv Column</source>
        <translation>CSV 列</translation>
    </message>
    <message>
        <source>Csv Template</source>
        <translation>CSV 模板</translation>
    </message>
    <message>
        <source>Customer message</source>
        <translation>客户消息</translation>
    </message>
    <message>
        <source>Cuts text into chunks of at most `chunk_size` characters at the best separator.</source>
        <translation>在最合适的分隔符处把文本切成不超过 `chunk_size` 个字符的分块。</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>数据库</translation>
    </message>
    <message>
        <source>Deepest heading level that starts a section.</source>
        <translation>开始新章节的最深标题级别。</translation>
    </message>
    <message>
        <source>Default</source>
        <translation>默认</translation>
    </message>
    <message>
        <source>Default Route</source>
        <translation>默认路由</translation>
    </message>
    <message>
        <source>Delete sources in the knowledge base that this ingest did not include.</source>
        <translation>删除知识库中本次导入未包含的来源。</translation>
    </message>
    <message>
        <source>Describe Schema</source>
        <translation>描述表结构</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>描述</translation>
    </message>
    <message>
        <source>Distance for a new knowledge base.</source>
        <translation>新建知识库使用的距离度量。</translation>
    </message>
    <message>
        <source>Diversity</source>
        <translation>多样性</translation>
    </message>
    <message>
        <source>Document Q&amp;A</source>
        <translation>文档问答</translation>
    </message>
    <message>
        <source>Documents</source>
        <translation>文档</translation>
    </message>
    <message>
        <source>Documents of every file that loaded.</source>
        <translation>所有成功加载的文件的文档。</translation>
    </message>
    <message>
        <source>Documents to split (text works too).</source>
        <translation>要切分的文档（也可以是文本）。</translation>
    </message>
    <message>
        <source>Documents, best first.</source>
        <translation>文档，按相关度从高到低排列。</translation>
    </message>
    <message>
        <source>Dotall</source>
        <translation>点号匹配换行</translation>
    </message>
    <message>
        <source>Drop Empty</source>
        <translation>丢弃空段</translation>
    </message>
    <message>
        <source>Drop chunks scoring below this (cosine similarity: 0.3 is loose, 0.6 strict).</source>
        <translation>丢弃得分低于此值的分块（余弦相似度：0.3 较宽松，0.6 较严格）。</translation>
    </message>
    <message>
        <source>Drop recalls scoring lower.</source>
        <translation>丢弃得分更低的取回结果。</translation>
    </message>
    <message>
        <source>Each round drafts an answer from what was found so far and searches again with the question plus the draft, so later rounds find what the first search missed.</source>
        <translation>每一轮根据已找到的内容起草答案，再用问题加草稿重新检索，让后续轮次找到第一次检索遗漏的内容。</translation>
    </message>
    <message>
        <source>Earlier conversation.</source>
        <translation>之前的对话。</translation>
    </message>
    <message>
        <source>Earlier turns followed by the new message.</source>
        <translation>之前的轮次，后接新消息。</translation>
    </message>
    <message>
        <source>Earlier turns of the conversation only.</source>
        <translation>仅包含对话中之前的轮次。</translation>
    </message>
    <message>
        <source>Earlier turns, oldest first.</source>
        <translation>之前的轮次，最早的在前。</translation>
    </message>
    <message>
        <source>Embed</source>
        <translation>向量嵌入</translation>
    </message>
    <message>
        <source>Embedding Model</source>
        <translation>嵌入模型</translation>
    </message>
    <message>
        <source>Embedding model.</source>
        <translation>嵌入模型。</translation>
    </message>
    <message>
        <source>Embeds a text (one vector) or documents (one vector each) with an embedding model.</source>
        <translation>用嵌入模型把文本（一个向量）或文档（每个文档一个向量）转换为向量。</translation>
    </message>
    <message>
        <source>Embeds the query and the examples (a list, or a knowledge base's chunks) and keeps the k most similar, formatted for a prompt.</source>
        <translation>对查询和示例（一个列表，或知识库中的分块）做向量嵌入，保留最相似的 k 个，并整理成适合提示词的格式。</translation>
    </message>
    <message>
        <source>Encoding</source>
        <translation>编码</translation>
    </message>
    <message>
        <source>Env</source>
        <translation>环境变量</translation>
    </message>
    <message>
        <source>Environment variables for the command, from secrets: {"TOKEN": {"secret": "NAME"}}.</source>
        <translation>命令的环境变量，取自密钥：{"TOKEN": {"secret": "NAME"}}。</translation>
    </message>
    <message>
        <source>Errors per item index (with on_error = 'keep going').</source>
        <translation>按列表项序号记录的错误（on_error = 'keep going' 时）。</translation>
    </message>
    <message>
        <source>Evaluates a math expression safely: + - * / ** %, sqrt, log, sin, round, percent...</source>
        <translation>安全地计算数学表达式：+ - * / ** %、sqrt、log、sin、round、percent 等。</translation>
    </message>
    <message>
        <source>Evaluation</source>
        <translation>评估</translation>
    </message>
    <message>
        <source>Evaluation Metric</source>
        <translation>评估指标</translation>
    </message>
    <message>
        <source>Every thought, action and observation.</source>
        <translation>每一次思考、行动和观察。</translation>
    </message>
    <message>
        <source>Examples</source>
        <translation>示例</translation>
    </message>
    <message>
        <source>Exclude</source>
        <translation>排除</translation>
    </message>
    <message>
        <source>Explain a topic in three plain sentences with the built-in local model.</source>
        <translation>用内置本地模型以三句浅显的话解释一个主题。</translation>
    </message>
    <message>
        <source>Extra instructions put in the system prompt.</source>
        <translation>加入系统提示词的额外指令。</translation>
    </message>
    <message>
        <source>Extra values the expressions may use.</source>
        <translation>表达式可以使用的额外值。</translation>
    </message>
    <message>
        <source>Extraction prompt</source>
        <translation>抽取提示词</translation>
    </message>
    <message>
        <source>Fail the node on bad JSON. When off, output null and the reason on `error`.</source>
        <translation>JSON 无效时让节点失败。关闭时输出 null，并在 `error` 上给出原因。</translation>
    </message>
    <message>
        <source>Fetch K</source>
        <translation>初筛数量</translation>
    </message>
    <message>
        <source>Few-shot Example Selector</source>
        <translation>少样本示例选择器</translation>
    </message>
    <message>
        <source>Few-shot examples: user/assistant pairs, sent as written.</source>
        <translation>少样本示例：用户/助手消息对，按原样发送。</translation>
    </message>
    <message>
        <source>Fewest characters (0 = no limit).</source>
        <translation>最少字符数（0 = 不限）。</translation>
    </message>
    <message>
        <source>Field of each example compared with the query.</source>
        <translation>每个示例中与查询比较的字段。</translation>
    </message>
    <message>
        <source>Files skipped, with the reason: [{source, error}].</source>
        <translation>被跳过的文件及原因：[{source, error}]。</translation>
    </message>
    <message>
        <source>Filter</source>
        <translation>过滤条件</translation>
    </message>
    <message>
        <source>Final answer line</source>
        <translation>最终答案行</translation>
    </message>
    <message>
        <source>Finds a regular expression in the text. `match` is the first match (empty when none), `matches` every match (or just the first unless 'all matches' is on).</source>
        <translation>在文本中查找正则表达式。`match` 是第一个匹配（没有则为空），`matches` 是所有匹配（未开启“全部匹配”时只含第一个）。</translation>
    </message>
    <message>
        <source>Finds the earlier turns of the session that are most relevant to the new message (by meaning, through a knowledge base of the session's turns) and adds the latest turns.</source>
        <translation>按语义（借助由本会话各轮对话构成的知识库）找出与新消息最相关的早先对话，并加上最近几轮对话。</translation>
    </message>
    <message>
        <source>Fit to Context</source>
        <translation>适配上下文窗口</translation>
    </message>
    <message>
        <source>Fixes sampling, where the model supports it.</source>
        <translation>固定采样结果（需模型支持）。</translation>
    </message>
    <message>
        <source>Flow as Tool</source>
        <translation>流程作为工具</translation>
    </message>
    <message>
        <source>Fold Every</source>
        <translation>每隔几轮折叠</translation>
    </message>
    <message>
        <source>Fold once this many older turns wait.</source>
        <translation>较早的对话积累到这么多轮时折叠一次。</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>Folders</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>Folders files may be read from (relative to the flow file). Empty: the flow's folder and the folders the app allows. Paths are resolved, symlinks included, before the check.</source>
        <translation>允许读取文件的文件夹（相对于流程文件）。为空：流程所在文件夹以及应用允许的文件夹。检查前会先解析路径（包括符号链接）。</translation>
    </message>
    <message>
        <source>Folders the tool may read (relative to the flow's folder).</source>
        <translation>工具可以读取的文件夹（相对于流程所在文件夹）。</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>显示格式</translation>
    </message>
    <message>
        <source>Format Context</source>
        <translation>格式化上下文</translation>
    </message>
    <message>
        <source>Format Text</source>
        <translation>格式化文本</translation>
    </message>
    <message>
        <source>Format context</source>
        <translation>整理上下文</translation>
    </message>
    <message>
        <source>Full-text (BM25, Chinese segmented with jieba) and vector search fused with reciprocal rank fusion, then a cited answer from the local model.</source>
        <translation>全文检索（BM25，中文用 jieba 分词）与向量检索通过倒数排名融合合并，再由本地模型给出带引用的回答。</translation>
    </message>
    <message>
        <source>Full-text Retriever</source>
        <translation>全文检索器</translation>
    </message>
    <message>
        <source>General prompt</source>
        <translation>一般提示词</translation>
    </message>
    <message>
        <source>Get Variable</source>
        <translation>读取变量</translation>
    </message>
    <message>
        <source>Glob patterns of files to leave out.</source>
        <translation>要排除的文件的通配模式。</translation>
    </message>
    <message>
        <source>Glob patterns of files to load, e.g. '**/*.md', '*.pdf'.</source>
        <translation>要加载的文件的通配模式，例如 '**/*.md'、'*.pdf'。</translation>
    </message>
    <message>
        <source>Goal</source>
        <translation>目标</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>分组</translation>
    </message>
    <message>
        <source>Guardrails</source>
        <translation>安全护栏</translation>
    </message>
    <message>
        <source>HTTP Request</source>
        <translation>HTTP 请求</translation>
    </message>
    <message>
        <source>HTTP headers, from secrets only: {"Authorization": {"secret": "NAME"}}.</source>
        <translation>HTTP 请求头，只能取自密钥：{"Authorization": {"secret": "NAME"}}。</translation>
    </message>
    <message>
        <source>Headers</source>
        <translation>请求头</translation>
    </message>
    <message>
        <source>Headers sent with every request.</source>
        <translation>每个请求都会发送的请求头。</translation>
    </message>
    <message>
        <source>Headers whose value comes from a secret, e.g. Authorization.</source>
        <translation>值来自密钥的请求头，例如 Authorization。</translation>
    </message>
    <message>
        <source>History (if any) followed by the latest message.</source>
        <translation>历史记录（如有），后接最新消息。</translation>
    </message>
    <message>
        <source>History followed by the new message.</source>
        <translation>历史记录，后接新消息。</translation>
    </message>
    <message>
        <source>Hosts, host:port, IPs or CIDR ranges allowed although private.</source>
        <translation>虽属内网但仍允许访问的主机、主机:端口、IP 或 CIDR 网段。</translation>
    </message>
    <message>
        <source>How closely the answer addresses the question: embedding similarity of the two.</source>
        <translation>回答与问题的贴合程度：两者的向量相似度。</translation>
    </message>
    <message>
        <source>How each query searches.</source>
        <translation>每个查询的检索方式。</translation>
    </message>
    <message>
        <source>How long to wait for an answer; 0 waits without a limit.</source>
        <translation>等待回答的时长；0 表示无限等待。</translation>
    </message>
    <message>
        <source>How long to wait for another writer.</source>
        <translation>等待其他写入者的时长。</translation>
    </message>
    <message>
        <source>How many chunks to return.</source>
        <translation>返回的分块数量。</translation>
    </message>
    <message>
        <source>How many documents to keep.</source>
        <translation>保留的文档数量。</translation>
    </message>
    <message>
        <source>How many examples.</source>
        <translation>示例数量。</translation>
    </message>
    <message>
        <source>How many items</source>
        <translation>项目数量</translation>
    </message>
    <message>
        <source>How many parts</source>
        <translation>段数</translation>
    </message>
    <message>
        <source>How many rewordings to ask for.</source>
        <translation>要求改写的数量。</translation>
    </message>
    <message>
        <source>How the Studio and the CLI show the value.</source>
        <translation>Studio 和命令行显示该值的方式。</translation>
    </message>
    <message>
        <source>How the hypothetical answer searches.</source>
        <translation>假设答案的检索方式。</translation>
    </message>
    <message>
        <source>How the query searches.</source>
        <translation>查询的检索方式。</translation>
    </message>
    <message>
        <source>How to score.</source>
        <translation>打分方式。</translation>
    </message>
    <message>
        <source>Human</source>
        <translation>人工</translation>
    </message>
    <message>
        <source>Human Input</source>
        <translation>人工输入</translation>
    </message>
    <message>
        <source>HyDE Retriever</source>
        <translation>HyDE 检索器</translation>
    </message>
    <message>
        <source>Hybrid RAG</source>
        <translation>混合检索 RAG</translation>
    </message>
    <message>
        <source>Hybrid Retriever</source>
        <translation>混合检索器</translation>
    </message>
    <message>
        <source>Hybrid search</source>
        <translation>混合检索</translation>
    </message>
    <message>
        <source>Ignore case</source>
        <translation>忽略大小写</translation>
    </message>
    <message>
        <source>Include History</source>
        <translation>包含历史</translation>
    </message>
    <message>
        <source>Include Question</source>
        <translation>包含问题</translation>
    </message>
    <message>
        <source>Ingest</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Ingest documents</source>
        <translation>导入文档</translation>
    </message>
    <message>
        <source>Ingest into Knowledge Base</source>
        <translation>导入知识库</translation>
    </message>
    <message>
        <source>Inputs</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>Inputs &amp; Outputs</source>
        <translation>输入与输出</translation>
    </message>
    <message>
        <source>Insert earlier messages (the history input) before the user message.</source>
        <translation>在用户消息之前插入之前的消息（history 输入）。</translation>
    </message>
    <message>
        <source>Instructions</source>
        <translation>指令</translation>
    </message>
    <message>
        <source>Instructions for the summary.</source>
        <translation>撰写摘要的指令。</translation>
    </message>
    <message>
        <source>Instructions put first as the system message.</source>
        <translation>作为系统消息放在最前面的指令。</translation>
    </message>
    <message>
        <source>Intent router</source>
        <translation>意图路由</translation>
    </message>
    <message>
        <source>Item Input</source>
        <translation>列表项输入</translation>
    </message>
    <message>
        <source>Items run at the same time.</source>
        <translation>同时运行的列表项数量。</translation>
    </message>
    <message>
        <source>Iterative Retriever</source>
        <translation>迭代检索器</translation>
    </message>
    <message>
        <source>Its name when a supervisor uses it.</source>
        <translation>主管智能体调用它时使用的名称。</translation>
    </message>
    <message>
        <source>JSON Parser</source>
        <translation>JSON 解析器</translation>
    </message>
    <message>
        <source>JSON files: where the text is, e.g. 'articles[*].body' ('$': all of it as JSON).</source>
        <translation>JSON 文件：文本所在位置，例如 'articles[*].body'（'$'：整个文档作为 JSON 文本）。</translation>
    </message>
    <message>
        <source>JSON files: where the text is, e.g. 'articles[*].body'.</source>
        <translation>JSON 文件：文本所在的位置，例如 'articles[*].body'。</translation>
    </message>
    <message>
        <source>JSON schema of the arguments.</source>
        <translation>参数的 JSON schema。</translation>
    </message>
    <message>
        <source>Join Text</source>
        <translation>拼接文本</translation>
    </message>
    <message>
        <source>Joins every connected value into one text, in wire order. Lists are joined item by item; documents contribute their text; other values are written as JSON.</source>
        <translation>按连线顺序把所有接入的值拼接成一段文本。列表逐项拼接；文档取其文本；其他值写成 JSON。</translation>
    </message>
    <message>
        <source>Joins the branches of a router: 'first' passes on the first value present (in the order the wires were drawn), 'all' passes on a list of every value present.</source>
        <translation>汇合路由器的各个分支：“first”传出第一个有值的分支（按连线的先后顺序），“all”传出所有已有值组成的列表。</translation>
    </message>
    <message>
        <source>Json Schema</source>
        <translation>JSON Schema</translation>
    </message>
    <message>
        <source>Json Text Path</source>
        <translation>JSON 文本路径</translation>
    </message>
    <message>
        <source>Judge</source>
        <translation>评审模型</translation>
    </message>
    <message>
        <source>Judge model for *_judge and geval metrics.</source>
        <translation>*_judge 和 geval 指标使用的评审模型。</translation>
    </message>
    <message>
        <source>Judge's preference between the first two variants (order swapped; 1 win, 0.5 tie, 0 loss).</source>
        <translation>评审模型在前两个变体之间的偏好（会交换顺序；胜 1，平 0.5，负 0）。</translation>
    </message>
    <message>
        <source>K</source>
        <translation>返回数量 (K)</translation>
    </message>
    <message>
        <source>Kb</source>
        <translation>知识库</translation>
    </message>
    <message>
        <source>Keep</source>
        <translation>保留部分</translation>
    </message>
    <message>
        <source>Keep Recent</source>
        <translation>保留最近轮数</translation>
    </message>
    <message>
        <source>Keeps the last turns word for word and folds older ones into a running summary written by an LLM, so long conversations fit the context window.</source>
        <translation>最近几轮对话逐字保留，更早的对话由大语言模型折叠进持续更新的摘要，使长对话也能放进上下文窗口。</translation>
    </message>
    <message>
        <source>Key points (LLM)</source>
        <translation>要点（大语言模型）</translation>
    </message>
    <message>
        <source>Key points prompt</source>
        <translation>要点提示词</translation>
    </message>
    <message>
        <source>Kinds</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Kinds of personal data to replace.</source>
        <translation>要替换的个人数据类型。</translation>
    </message>
    <message>
        <source>Knowledge</source>
        <translation>知识库</translation>
    </message>
    <message>
        <source>Knowledge Base Search (tool)</source>
        <translation>知识库搜索（工具）</translation>
    </message>
    <message>
        <source>Knowledge base name (letters, digits, '_', '-', '.').</source>
        <translation>知识库名称（字母、数字、'_'、'-'、'.'）。</translation>
    </message>
    <message>
        <source>Knowledge base name (overrides the setting).</source>
        <translation>知识库名称（优先于设置中的值）。</translation>
    </message>
    <message>
        <source>Knowledge base name.</source>
        <translation>知识库名称。</translation>
    </message>
    <message>
        <source>LLM</source>
        <translation>大语言模型</translation>
    </message>
    <message>
        <source>LLM Router</source>
        <translation>大语言模型路由器</translation>
    </message>
    <message>
        <source>Largest file read.</source>
        <translation>可读取文件的最大大小。</translation>
    </message>
    <message>
        <source>Largest printed output kept, in bytes.</source>
        <translation>保留的打印输出的最大字节数。</translation>
    </message>
    <message>
        <source>Largest response body.</source>
        <translation>响应正文的最大大小。</translation>
    </message>
    <message>
        <source>Latest turns always included.</source>
        <translation>始终包含的最近轮数。</translation>
    </message>
    <message>
        <source>Leave out empty or blank pieces.</source>
        <translation>略过空的或只有空白的片段。</translation>
    </message>
    <message>
        <source>Leave out empty parts.</source>
        <translation>略过空段。</translation>
    </message>
    <message>
        <source>Let the code use the network.</source>
        <translation>允许代码访问网络。</translation>
    </message>
    <message>
        <source>List Parser</source>
        <translation>列表解析器</translation>
    </message>
    <message>
        <source>List of matched strings</source>
        <translation>匹配到的字符串列表</translation>
    </message>
    <message>
        <source>Llm Judge</source>
        <translation>大语言模型判定</translation>
    </message>
    <message>
        <source>Load File</source>
        <translation>加载文件</translation>
    </message>
    <message>
        <source>Load Folder</source>
        <translation>加载文件夹</translation>
    </message>
    <message>
        <source>Load a folder of documents (Markdown, HTML, PDF, text, DOCX), split them by headings and upsert them into a knowledge base. Re-running skips unchanged files.</source>
        <translation>加载一个文件夹中的文档（Markdown、HTML、PDF、文本、DOCX），按标题分块后写入知识库。再次运行会跳过未改动的文件。</translation>
    </message>
    <message>
        <source>Load folder</source>
        <translation>加载文件夹</translation>
    </message>
    <message>
        <source>Local LLM</source>
        <translation>本地大语言模型</translation>
    </message>
    <message>
        <source>Local LLM (JSON schema)</source>
        <translation>本地大语言模型（JSON Schema）</translation>
    </message>
    <message>
        <source>Lock Timeout S</source>
        <translation>锁等待超时（秒）</translation>
    </message>
    <message>
        <source>Longest chunk, in characters.</source>
        <translation>分块的最大长度（字符数）。</translation>
    </message>
    <message>
        <source>Longest passage text given to the agent.</source>
        <translation>提供给智能体的段落文本的最大长度。</translation>
    </message>
    <message>
        <source>Longest reply in tokens (empty: the model's limit).</source>
        <translation>回复的最大词元数（为空：模型自身的上限）。</translation>
    </message>
    <message>
        <source>Longest single reply.</source>
        <translation>单次回复的最大长度。</translation>
    </message>
    <message>
        <source>Longest summary, in tokens.</source>
        <translation>摘要的最大长度（词元数）。</translation>
    </message>
    <message>
        <source>Longest wait for the model to say something.</source>
        <translation>等待模型响应的最长时间。</translation>
    </message>
    <message>
        <source>Look into sub-folders.</source>
        <translation>同时查找子文件夹。</translation>
    </message>
    <message>
        <source>Looks for prompt-injection attempts (instruction overrides, prompt extraction, fake role markers, jailbreak personas; English and Chinese). Clean text goes out of 'pass', suspicious text out of 'fail'; the branch not taken is skipped.</source>
        <translation>检测提示词注入企图（覆盖指令、套取提示词、伪造角色标记、越狱人设；支持中英文）。正常文本从“pass”输出，可疑文本从“fail”输出；未走的分支会被跳过。</translation>
    </message>
    <message>
        <source>MCP Call</source>
        <translation>MCP 调用</translation>
    </message>
    <message>
        <source>MCP Tools</source>
        <translation>MCP 工具</translation>
    </message>
    <message>
        <source>MCP agent</source>
        <translation>MCP 智能体</translation>
    </message>
    <message>
        <source>MMR Retriever</source>
        <translation>MMR 检索器</translation>
    </message>
    <message>
        <source>Map</source>
        <translation>批量映射</translation>
    </message>
    <message>
        <source>Map: one summary per text</source>
        <translation>映射：每段文本一份摘要</translation>
    </message>
    <message>
        <source>Markdown Splitter</source>
        <translation>Markdown 分块器</translation>
    </message>
    <message>
        <source>Match Field</source>
        <translation>匹配字段</translation>
    </message>
    <message>
        <source>Max Bytes</source>
        <translation>最大字节数</translation>
    </message>
    <message>
        <source>Max Chars</source>
        <translation>最大字符数</translation>
    </message>
    <message>
        <source>Max Iterations</source>
        <translation>最大迭代次数</translation>
    </message>
    <message>
        <source>Max Length</source>
        <translation>最大长度</translation>
    </message>
    <message>
        <source>Max Level</source>
        <translation>最大标题级别</translation>
    </message>
    <message>
        <source>Max Output</source>
        <translation>最大输出（字节）</translation>
    </message>
    <message>
        <source>Max Parts</source>
        <translation>最大段数</translation>
    </message>
    <message>
        <source>Max Replans</source>
        <translation>最大重新规划次数</translation>
    </message>
    <message>
        <source>Max Reply Tokens</source>
        <translation>回复最大词元数</translation>
    </message>
    <message>
        <source>Max Rows</source>
        <translation>最大行数</translation>
    </message>
    <message>
        <source>Max Steps</source>
        <translation>最大步骤数</translation>
    </message>
    <message>
        <source>Max Tokens</source>
        <translation>最大词元数</translation>
    </message>
    <message>
        <source>Max Tool Calls</source>
        <translation>最大工具调用次数</translation>
    </message>
    <message>
        <source>Max Turns</source>
        <translation>最大轮数</translation>
    </message>
    <message>
        <source>Mean embedding similarity of the retrieved contexts to the question.</source>
        <translation>检索到的上下文与问题的平均向量相似度。</translation>
    </message>
    <message>
        <source>Mean precision@k of the contexts the judge finds useful for the reference (Ragas).</source>
        <translation>评审模型认为对参考答案有用的上下文的平均 precision@k（Ragas）。</translation>
    </message>
    <message>
        <source>Meeting notes</source>
        <translation>会议记录</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>记忆</translation>
    </message>
    <message>
        <source>Memory Key</source>
        <translation>记忆共享键</translation>
    </message>
    <message>
        <source>Memory Mb</source>
        <translation>内存（MB）</translation>
    </message>
    <message>
        <source>Memory chatbot</source>
        <translation>带记忆的聊天机器人</translation>
    </message>
    <message>
        <source>Memory limit.</source>
        <translation>内存限制。</translation>
    </message>
    <message>
        <source>Merge</source>
        <translation>合并分支</translation>
    </message>
    <message>
        <source>Merge into a brief</source>
        <translation>合并成简报</translation>
    </message>
    <message>
        <source>Merged results.</source>
        <translation>合并后的结果。</translation>
    </message>
    <message>
        <source>Metadata that must match, e.g. {"source": "manual.md"} or {"page": [1, 2]}.</source>
        <translation>必须匹配的元数据，例如 {"source": "manual.md"} 或 {"page": [1, 2]}。</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>方法</translation>
    </message>
    <message>
        <source>Methods</source>
        <translation>允许的方法</translation>
    </message>
    <message>
        <source>Methods the tool may use.</source>
        <translation>工具可以使用的请求方法。</translation>
    </message>
    <message>
        <source>Metric</source>
        <translation>距离度量</translation>
    </message>
    <message>
        <source>Metric name, e.g. faithfulness or regex:^\d+$.</source>
        <translation>指标名称，例如 faithfulness 或 regex:^\d+$。</translation>
    </message>
    <message>
        <source>Min Length</source>
        <translation>最小长度</translation>
    </message>
    <message>
        <source>Min Score</source>
        <translation>最低分数</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>模式</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Model asked again on retries.</source>
        <translation>重试时询问的模型。</translation>
    </message>
    <message>
        <source>Model for a new knowledge base (an existing one keeps its own). 'local/all-minilm-l6-v2' (built in, offline, English), any fastembed model name when online (e.g. 'BAAI/bge-small-zh-v1.5' for Chinese), or 'litellm/&lt;provider model&gt;'.</source>
        <translation>新建知识库使用的模型（已有知识库沿用自己的模型）。'local/all-minilm-l6-v2'（内置、离线、英文），联网时可用任意 fastembed 模型名称（中文可用 'BAAI/bge-small-zh-v1.5'），或 'litellm/&lt;提供商模型&gt;'。</translation>
    </message>
    <message>
        <source>Model for a new knowledge base (empty: the default embedding model); an existing one keeps the model it was built with, and naming another is an error. 'local/all-minilm-l6-v2' (built in, offline, English), any fastembed model name when online (e.g. 'BAAI/bge-small-zh-v1.5' for Chinese), or 'litellm/&lt;provider model&gt;'.</source>
        <translation>新建知识库使用的模型（为空：默认嵌入模型）；已有知识库沿用建库时的模型，指定其他模型会报错。'local/all-minilm-l6-v2'（内置、离线、英文），联网时可用任意 fastembed 模型名称（中文可用 'BAAI/bge-small-zh-v1.5'），或 'litellm/&lt;提供方 模型&gt;'。</translation>
    </message>
    <message>
        <source>Model of the fallback.</source>
        <translation>备用方案使用的模型。</translation>
    </message>
    <message>
        <source>Model replies at most.</source>
        <translation>模型回复的最多次数。</translation>
    </message>
    <message>
        <source>Model that writes the summary.</source>
        <translation>撰写摘要的模型。</translation>
    </message>
    <message>
        <source>Model whose tokenizer counts ('estimate': ~4 characters, or 1 CJK character, per token).</source>
        <translation>用其分词器计数的模型（'estimate'：约每 4 个字符或每 1 个中日韩字符算一个词元）。</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Most characters (0 = no limit).</source>
        <translation>最多字符数（0 = 不限）。</translation>
    </message>
    <message>
        <source>Most turns recalled (0 = none).</source>
        <translation>最多取回的轮数（0 = 不取回）。</translation>
    </message>
    <message>
        <source>Multi-Query Retriever</source>
        <translation>多查询检索器</translation>
    </message>
    <message>
        <source>Multi-agent supervisor</source>
        <translation>多智能体主管</translation>
    </message>
    <message>
        <source>Multi-agent: hands parts of the task to worker agents (or tools) wired into 'tools', reads their answers and decides who works next, then answers.</source>
        <translation>多智能体：把任务的各部分交给连接到“tools”的工作智能体（或工具），阅读它们的回答并决定下一步由谁处理，最后给出答案。</translation>
    </message>
    <message>
        <source>Multiline</source>
        <translation>多行模式</translation>
    </message>
    <message>
        <source>Must Use Tools</source>
        <translation>必须使用工具</translation>
    </message>
    <message>
        <source>N</source>
        <translation>数量 (N)</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Name, description and argument schema of each tool.</source>
        <translation>每个工具的名称、描述和参数 schema。</translation>
    </message>
    <message>
        <source>New plans after a failed step.</source>
        <translation>某一步失败后重新规划的次数。</translation>
    </message>
    <message>
        <source>Nucleus sampling.</source>
        <translation>核采样。</translation>
    </message>
    <message>
        <source>Numbers the documents [1], [2]... with their source (file, heading, page), stops (or shortens the last one) at the token budget, and lists the citations.</source>
        <translation>为文档编号 [1]、[2]……并注明来源（文件、标题、页码），达到词元预算时停止（或截短最后一篇），并列出引用。</translation>
    </message>
    <message>
        <source>Offers a knowledge base to agents: a query in, the best passages with their sources out.</source>
        <translation>把知识库提供给智能体：输入查询，输出最相关的段落及其来源。</translation>
    </message>
    <message>
        <source>Offers a saved flow to agents as a tool: its declared inputs are the tool's arguments.</source>
        <translation>把一个已保存的流程作为工具提供给智能体：流程声明的输入就是工具的参数。</translation>
    </message>
    <message>
        <source>Older turns recalled at most.</source>
        <translation>最多取回的较早轮数。</translation>
    </message>
    <message>
        <source>On Error</source>
        <translation>出错时</translation>
    </message>
    <message>
        <source>One chunk per section (heading path kept as 'heading'), long sections cut by size.</source>
        <translation>每个章节一个分块（标题路径保存在“heading”中），过长的章节按大小再切分。</translation>
    </message>
    <message>
        <source>One entry; fields: n, label, text, source.</source>
        <translation>一个条目；字段：n、label、text、source。</translation>
    </message>
    <message>
        <source>One example; fields are the example's keys.</source>
        <translation>一个示例；字段即示例的键。</translation>
    </message>
    <message>
        <source>One result per item, in order.</source>
        <translation>每个列表项一个结果，按顺序排列。</translation>
    </message>
    <message>
        <source>One-sentence summary (LLM)</source>
        <translation>一句话摘要（大语言模型）</translation>
    </message>
    <message>
        <source>One-sentence summary prompt</source>
        <translation>一句话摘要提示词</translation>
    </message>
    <message>
        <source>Only these tools (by their MCP names); empty means all.</source>
        <translation>只用这些工具（按 MCP 名称）；留空表示全部。</translation>
    </message>
    <message>
        <source>Optional JSON schema the value must match (required keys, types).</source>
        <translation>可选：值必须符合的 JSON schema（必需的键、类型）。</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>Output Validator</source>
        <translation>输出校验器</translation>
    </message>
    <message>
        <source>Outputs</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>Overlap Tokens</source>
        <translation>重叠词元数</translation>
    </message>
    <message>
        <source>Overlap when a section is cut.</source>
        <translation>章节被切开时的重叠长度。</translation>
    </message>
    <message>
        <source>PII Redaction</source>
        <translation>个人信息脱敏</translation>
    </message>
    <message>
        <source>Parallel summaries</source>
        <translation>并行摘要</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>Parse the list</source>
        <translation>解析列表</translation>
    </message>
    <message>
        <source>Parsers</source>
        <translation>解析器</translation>
    </message>
    <message>
        <source>Passages returned.</source>
        <translation>返回的段落数量。</translation>
    </message>
    <message>
        <source>Path</source>
        <translation>路径</translation>
    </message>
    <message>
        <source>Pattern</source>
        <translation>匹配模式</translation>
    </message>
    <message>
        <source>Patterns</source>
        <translation>文件匹配模式</translation>
    </message>
    <message>
        <source>Pauses the run and asks a person a question (free text or one of the choices); the run continues with the answer, from the Studio, the terminal or the HTTP API, even later.</source>
        <translation>暂停运行并向人提问（自由文本或从选项中选一个）；得到回答后运行继续，回答可来自 Studio、终端或 HTTP API，也可以稍后再给。</translation>
    </message>
    <message>
        <source>Persona</source>
        <translation>人设</translation>
    </message>
    <message>
        <source>Personal data in the answer (e-mail, phone, card, ID numbers), as the PII guardrail finds it.</source>
        <translation>回答中的个人数据（邮箱、电话、银行卡、证件号码），按个人数据防护节点的检测结果。</translation>
    </message>
    <message>
        <source>Picks k chunks that are relevant yet different from each other (less repetition).</source>
        <translation>挑选 k 个既相关又彼此不同的分块（减少重复）。</translation>
    </message>
    <message>
        <source>Plan and execute</source>
        <translation>计划并执行</translation>
    </message>
    <message>
        <source>Plan-and-Execute Agent</source>
        <translation>规划执行智能体</translation>
    </message>
    <message>
        <source>Planner</source>
        <translation>规划器</translation>
    </message>
    <message>
        <source>Prefix</source>
        <translation>前缀</translation>
    </message>
    <message>
        <source>Preset</source>
        <translation>预设</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <source>Prompt Injection Check</source>
        <translation>提示词注入检测</translation>
    </message>
    <message>
        <source>Prompt Template</source>
        <translation>提示词模板</translation>
    </message>
    <message>
        <source>Prompt plus completion tokens of every model call in the run.</source>
        <translation>本次运行所有模型调用的提示词与生成 Token 总数。</translation>
    </message>
    <message>
        <source>Prompts</source>
        <translation>提示词</translation>
    </message>
    <message>
        <source>Pull a contact (name, company, email, date, follow-up) out of meeting notes as JSON.</source>
        <translation>从会议记录中抽取联系人信息（姓名、公司、邮箱、日期、后续事项），输出为 JSON。</translation>
    </message>
    <message>
        <source>Put before each tool name.</source>
        <translation>加在每个工具名称前面。</translation>
    </message>
    <message>
        <source>Put before the list of routes.</source>
        <translation>放在路由列表之前的说明。</translation>
    </message>
    <message>
        <source>Put between the pieces. \n is a new line, \t a tab.</source>
        <translation>放在各段之间的内容。\n 表示换行，\t 表示制表符。</translation>
    </message>
    <message>
        <source>Put every match on `matches`.</source>
        <translation>把所有匹配放到 `matches` 上。</translation>
    </message>
    <message>
        <source>Python Code</source>
        <translation>Python 代码</translation>
    </message>
    <message>
        <source>Python code; arguments are variables (and `inputs`); set `result`.</source>
        <translation>Python 代码；参数以变量（以及 `inputs`）提供；请给 `result` 赋值。</translation>
    </message>
    <message>
        <source>Question</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>RAG-Fusion</source>
        <translation>RAG-Fusion 融合检索</translation>
    </message>
    <message>
        <source>RAG-Fusion Retriever</source>
        <translation>RAG-Fusion 检索器</translation>
    </message>
    <message>
        <source>ROUGE-L F-measure (longest common subsequence) between answer and reference.</source>
        <translation>回答与参考答案之间的 ROUGE-L F 值（最长公共子序列）。</translation>
    </message>
    <message>
        <source>RRF constant: score = Σ 1/(rrf_k + rank).</source>
        <translation>RRF 常数：得分 = Σ 1/(rrf_k + 排名)。</translation>
    </message>
    <message>
        <source>Raw reply</source>
        <translation>原始回复</translation>
    </message>
    <message>
        <source>ReAct Agent</source>
        <translation>ReAct 智能体</translation>
    </message>
    <message>
        <source>ReAct agent</source>
        <translation>ReAct 智能体</translation>
    </message>
    <message>
        <source>Read File</source>
        <translation>读取文件</translation>
    </message>
    <message>
        <source>Read Only</source>
        <translation>只读</translation>
    </message>
    <message>
        <source>Read only after this value is ready.</source>
        <translation>等这个值就绪后才读取。</translation>
    </message>
    <message>
        <source>Reads JSON from model output: strips ```json fences and surrounding prose, fixes trailing commas, single quotes, True/False/None and unquoted keys. Optionally checks a JSON schema.</source>
        <translation>从模型输出中读取 JSON：去掉 ```json 代码块标记和前后的说明文字，修正末尾多余的逗号、单引号、True/False/None 以及未加引号的键。可选按 JSON schema 校验。</translation>
    </message>
    <message>
        <source>Reads a flow variable. Wire anything into 'after' to read it only once that step is done (e.g. after the Set Variable node).</source>
        <translation>读取流程变量。把任意输出连到“after”，即可在那一步完成后才读取（例如在“设置变量”节点之后）。</translation>
    </message>
    <message>
        <source>Reads a list a model wrote: bullets (- * •), numbers (1. 1) (a) 一、), one item per line, or comma-separated (also 、，；). Introductions before the list are dropped.</source>
        <translation>读取模型写出的列表：项目符号（- * •）、编号（1. 1) (a) 一、）、每行一项，或以逗号分隔（也支持 、，；）。列表前的引言会被去掉。</translation>
    </message>
    <message>
        <source>Reads a text file (or lists a folder) inside the allowed folders; nothing else.</source>
        <translation>读取允许的文件夹内的文本文件（或列出文件夹内容），不能访问其他位置。</translation>
    </message>
    <message>
        <source>Reads a text, Markdown, PDF (one document per page), HTML, JSON, CSV or DOCX file into documents with their source (and page) for citations.</source>
        <translation>将文本、Markdown、PDF（每页一个文档）、HTML、JSON、CSV 或 DOCX 文件读取为文档，并附带来源（及页码）以便引用。</translation>
    </message>
    <message>
        <source>Reads every supported file under a folder that matches the patterns. A file that cannot be read is skipped with a trace event and listed on the 'errors' output.</source>
        <translation>读取文件夹中所有与匹配模式相符且受支持的文件。无法读取的文件会被跳过，记录一条跟踪事件，并列在“errors”输出中。</translation>
    </message>
    <message>
        <source>Reason step by step, then pull out the final answer line.</source>
        <translation>逐步推理，然后提取最后的答案行。</translation>
    </message>
    <message>
        <source>Reasoning</source>
        <translation>推理过程</translation>
    </message>
    <message>
        <source>Reasons step by step (Thought, Action, Observation, Final Answer): in the ReAct text format on API models, as grammar-constrained JSON steps on local models, so even a small model names a real tool with arguments that fit it.</source>
        <translation>逐步推理（思考、行动、观察、最终答案）：API 模型使用 ReAct 文本格式，本地模型使用受语法约束的 JSON 步骤，因此即使是小模型也能说出真实存在的工具并给出符合要求的参数。</translation>
    </message>
    <message>
        <source>Reasons step by step in the ReAct text format (Thought, Action, Observation, Final Answer); works with small local models. Sloppy replies are read generously.</source>
        <translation>按 ReAct 文本格式（思考、行动、观察、最终答案）逐步推理，适用于小型本地模型。对不够规范的回复也会尽量宽容地解析。</translation>
    </message>
    <message>
        <source>Recalls the session's last turns (up to a number of turns and a token budget). Pair it with Save to Memory after the LLM.</source>
        <translation>取回本会话最近的几轮对话（受轮数和词元预算限制）。请在大语言模型之后配合“保存到记忆”使用。</translation>
    </message>
    <message>
        <source>Recent Turns</source>
        <translation>最近轮数</translation>
    </message>
    <message>
        <source>Recursive</source>
        <translation>包含子文件夹</translation>
    </message>
    <message>
        <source>Recursive Splitter</source>
        <translation>递归分块器</translation>
    </message>
    <message>
        <source>Refuse to run without a message.</source>
        <translation>没有消息时拒绝运行。</translation>
    </message>
    <message>
        <source>Refuse to run without a value.</source>
        <translation>没有值时拒绝运行。</translation>
    </message>
    <message>
        <source>Regex</source>
        <translation>正则表达式</translation>
    </message>
    <message>
        <source>Regex Extract</source>
        <translation>正则提取</translation>
    </message>
    <message>
        <source>Remove Missing</source>
        <translation>移除已缺失的来源</translation>
    </message>
    <message>
        <source>Replaces personal data: emails, phone numbers (incl. Chinese mobiles), Chinese resident ID numbers (checksum-verified) and card numbers (Luhn-verified).</source>
        <translation>替换个人数据：电子邮箱、电话号码（含中国手机号）、中国居民身份证号（经校验码验证）和银行卡号（经 Luhn 校验）。</translation>
    </message>
    <message>
        <source>Replaces {name} in the text with the input called name. Only simple names are placeholders; write {{ and }} for literal braces. Other braces are kept as written.</source>
        <translation>把文本中的 {name} 替换为名为 name 的输入。只有简单名称才是占位符；要输出花括号本身请写 {{ 和 }}。其他花括号保持原样。</translation>
    </message>
    <message>
        <source>Replaces {text} in the template</source>
        <translation>替换模板中的 {text}</translation>
    </message>
    <message>
        <source>Reply</source>
        <translation>回复</translation>
    </message>
    <message>
        <source>Report</source>
        <translation>报告</translation>
    </message>
    <message>
        <source>Request</source>
        <translation>请求</translation>
    </message>
    <message>
        <source>Require Confirmation</source>
        <translation>需要确认</translation>
    </message>
    <message>
        <source>Require Json</source>
        <translation>要求 JSON</translation>
    </message>
    <message>
        <source>Required</source>
        <translation>必填</translation>
    </message>
    <message>
        <source>Rerank</source>
        <translation>重排序</translation>
    </message>
    <message>
        <source>Reserve Tokens</source>
        <translation>预留词元数</translation>
    </message>
    <message>
        <source>Response Format</source>
        <translation>响应格式</translation>
    </message>
    <message>
        <source>Results taken from each search.</source>
        <translation>每种检索取用的结果数。</translation>
    </message>
    <message>
        <source>Retries</source>
        <translation>重试次数</translation>
    </message>
    <message>
        <source>Retries on rate limits, server errors and timeouts.</source>
        <translation>遇到限流、服务器错误和超时时的重试次数。</translation>
    </message>
    <message>
        <source>Retrieval</source>
        <translation>检索</translation>
    </message>
    <message>
        <source>Retrieved documents</source>
        <translation>检索到的文档</translation>
    </message>
    <message>
        <source>Rewrites the question N ways, searches with each, and fuses the ranked lists with reciprocal rank fusion. Follow it with Rerank for a final ordering.</source>
        <translation>把问题改写成 N 种说法分别检索，并用倒数排名融合合并各个排序列表。之后可接“重排序”得到最终顺序。</translation>
    </message>
    <message>
        <source>Rounds</source>
        <translation>轮数</translation>
    </message>
    <message>
        <source>Route names and what belongs on each.</source>
        <translation>路由名称以及各路由应处理的内容。</translation>
    </message>
    <message>
        <source>Route taken</source>
        <translation>所走路由</translation>
    </message>
    <message>
        <source>Router</source>
        <translation>路由器</translation>
    </message>
    <message>
        <source>Routes</source>
        <translation>路由</translation>
    </message>
    <message>
        <source>Rows returned at most.</source>
        <translation>最多返回的行数。</translation>
    </message>
    <message>
        <source>Rrf K</source>
        <translation>RRF 常数 K</translation>
    </message>
    <message>
        <source>Run code without a sandbox</source>
        <translation>不使用沙箱运行代码</translation>
    </message>
    <message>
        <source>Runs Python code in a sandboxed subprocess (time, CPU, memory and output limits, no network, no secrets). Arguments are available as variables; set `result`.</source>
        <translation>在沙箱子进程中运行 Python 代码（限制时间、CPU、内存和输出，不能联网，无法访问密钥）。参数以变量形式提供；请给 `result` 赋值。</translation>
    </message>
    <message>
        <source>Runs Python code isolated by the kernel (bubblewrap or Linux namespaces: no view of your files, processes, network or secrets; time, CPU, memory and output limits). Arguments are available as variables; set `result`.</source>
        <translation>在内核隔离环境中运行 Python 代码（bubblewrap 或 Linux 命名空间：看不到你的文件、进程、网络和密钥；限制时间、CPU、内存和输出）。参数以变量形式提供；请设置 `result`。</translation>
    </message>
    <message>
        <source>Runs a read-only SQL query on a SQLite database file and returns the rows.</source>
        <translation>在 SQLite 数据库文件上执行只读 SQL 查询并返回结果行。</translation>
    </message>
    <message>
        <source>Runs a saved flow as one step. Its inputs and outputs are the flow's declared ones.</source>
        <translation>把一个已保存的流程作为一个步骤运行。其输入和输出就是该流程声明的输入和输出。</translation>
    </message>
    <message>
        <source>Runs a saved flow for each item of a list (bounded concurrency) and collects one of its outputs, in the order of the items.</source>
        <translation>对列表中的每一项运行一个已保存的流程（并发数有上限），并按列表项的顺序收集其中一个输出。</translation>
    </message>
    <message>
        <source>Runs the subflow subflows/summarize_one.json once per text of a JSON list (two at a time) and collects the summaries in order: `--input texts=@items.json`.</source>
        <translation>对 JSON 列表中的每段文本运行一次子流程 subflows/summarize_one.json（每次两个并行），并按顺序收集摘要：`--input texts=@items.json`。</translation>
    </message>
    <message>
        <source>SQL Query</source>
        <translation>SQL 查询</translation>
    </message>
    <message>
        <source>Save to Memory</source>
        <translation>保存到记忆</translation>
    </message>
    <message>
        <source>Save to memory</source>
        <translation>保存到记忆</translation>
    </message>
    <message>
        <source>Schema</source>
        <translation>Schema</translation>
    </message>
    <message>
        <source>Schema the JSON reply must match.</source>
        <translation>JSON 回复必须符合的 schema。</translation>
    </message>
    <message>
        <source>Score at which text fails (signals add up).</source>
        <translation>判定文本不通过的分数（各项信号累加）。</translation>
    </message>
    <message>
        <source>Score, signals found and the verdict.</source>
        <translation>分数、发现的信号和判定结果。</translation>
    </message>
    <message>
        <source>Scores each document against the query and keeps the best. 'cross-encoder' uses a fastembed cross-encoder (downloaded on first use, needs network). The offline fallback scores 0.8 x cosine similarity of the query and document embeddings (the built-in embedding model) + 0.2 x the share of query words found in the document. 'auto' uses the cross-encoder when its files are already downloaded, else the fallback.</source>
        <translation>为每篇文档相对查询打分并保留最好的几篇。“cross-encoder”使用 fastembed 交叉编码器（首次使用时下载，需要联网）。离线备用方案的得分为 0.8 × 查询与文档向量（内置嵌入模型）的余弦相似度 + 0.2 × 查询词在文档中出现的比例。“auto”在交叉编码器文件已下载时使用它，否则使用备用方案。</translation>
    </message>
    <message>
        <source>Scores the answer with a metric from `studio eval` (model-free and embedding metrics; judge metrics take the judge model setting), so a flow can score itself inline.</source>
        <translation>用 `studio eval` 的指标为答案打分（无需模型的指标和嵌入指标；评审类指标使用评审模型设置），让流程可以在运行中给自己打分。</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>搜索方式</translation>
    </message>
    <message>
        <source>Search rounds (1 = plain retrieval).</source>
        <translation>检索轮数（1 = 普通检索）。</translation>
    </message>
    <message>
        <source>Seconds the flow took for this row (0 when served from the cache).</source>
        <translation>流程处理这一行所用的秒数（来自缓存时为 0）。</translation>
    </message>
    <message>
        <source>Secret Headers</source>
        <translation>密钥请求头</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>Semantic similarity of the answer to the reference (Ragas answer similarity).</source>
        <translation>回答与参考答案的语义相似度（Ragas 回答相似度）。</translation>
    </message>
    <message>
        <source>Sends its input down the first route whose expression is true, e.g. `score &gt; 0.5` or `'invoice' in lower(value)`; otherwise down the default route. Other routes are skipped. Expressions see `value`, and the keys of `value` and `data` when they are objects.</source>
        <translation>把输入发往第一条表达式为真的路由，例如 `score &gt; 0.5` 或 `'invoice' in lower(value)`；都不成立时走默认路由。其他路由会被跳过。表达式中可以使用 `value`，当 `value` 和 `data` 是对象时，也可以直接使用它们的键。</translation>
    </message>
    <message>
        <source>Sends the prompt to a chat model and streams the reply. Runs the built-in local model offline by default; any API model (OpenAI, Anthropic, Gemini, Ollama...) by name.</source>
        <translation>把提示词发送给对话模型并流式输出回复。默认离线运行内置的本地模型；也可按名称使用任何 API 模型（OpenAI、Anthropic、Gemini、Ollama 等）。</translation>
    </message>
    <message>
        <source>Separator</source>
        <translation>分隔符</translation>
    </message>
    <message>
        <source>Separators</source>
        <translation>分隔符列表</translation>
    </message>
    <message>
        <source>Separators tried in order (empty: paragraphs, lines, 。！？, '. ', spaces).</source>
        <translation>按顺序尝试的分隔符（为空：段落、行、。！？、'. '、空格）。</translation>
    </message>
    <message>
        <source>Server URL for LM Studio, a llama.cpp server or a proxy, e.g. http://localhost:1234/v1.</source>
        <translation>LM Studio、llama.cpp 服务器或代理的地址，例如 http://localhost:1234/v1。</translation>
    </message>
    <message>
        <source>Server URL for OpenAI-compatible servers.</source>
        <translation>兼容 OpenAI 接口的服务器地址。</translation>
    </message>
    <message>
        <source>Session Id</source>
        <translation>会话 ID</translation>
    </message>
    <message>
        <source>Session to use when the host does not give one (studio chat --session).</source>
        <translation>宿主未指定会话时使用的会话（studio chat --session）。</translation>
    </message>
    <message>
        <source>Set Variable</source>
        <translation>设置变量</translation>
    </message>
    <message>
        <source>Share of the answer's claims supported by the retrieved contexts (words and figures).</source>
        <translation>有检索上下文支持的回答陈述所占比例（按词语和数字）。</translation>
    </message>
    <message>
        <source>Share of the answer's claims the judge finds supported by the contexts (Ragas).</source>
        <translation>评审模型认为有上下文支持的回答陈述所占比例（Ragas）。</translation>
    </message>
    <message>
        <source>Share of the reference's claims the retrieved contexts support (or reference contexts found).</source>
        <translation>检索到的上下文所支持的参考答案陈述所占比例（或找到的参考上下文比例）。</translation>
    </message>
    <message>
        <source>Share of the reference's sentences the judge can attribute to the contexts (Ragas).</source>
        <translation>评审模型能归因于上下文的参考答案句子所占比例（Ragas）。</translation>
    </message>
    <message>
        <source>Shortens a text and drops the oldest turns of a chat history so both fit the model's context window, leaving room for the reply.</source>
        <translation>缩短文本并丢弃聊天历史中最早的几轮，使两者都能放进模型的上下文窗口，并为回复留出空间。</translation>
    </message>
    <message>
        <source>Shown to whoever runs the flow.</source>
        <translation>向运行流程的人显示的说明。</translation>
    </message>
    <message>
        <source>Skip Empty</source>
        <translation>跳过空值</translation>
    </message>
    <message>
        <source>Skipped files</source>
        <translation>跳过的文件</translation>
    </message>
    <message>
        <source>Sources</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Split Text</source>
        <translation>拆分文本</translation>
    </message>
    <message>
        <source>Split by headings</source>
        <translation>按标题分块</translation>
    </message>
    <message>
        <source>Splits text at a separator (or a regular expression). Empty separator: split at any whitespace. With a maximum, the last part keeps the rest of the text.</source>
        <translation>按分隔符（或正则表达式）拆分文本。分隔符为空时按任意空白拆分。设置了最大段数时，最后一段保留剩余的全部文本。</translation>
    </message>
    <message>
        <source>Steps in one plan at most.</source>
        <translation>一个计划最多包含的步骤数。</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止词</translation>
    </message>
    <message>
        <source>Stop at the first failing item, or record it.</source>
        <translation>遇到第一个失败项时停止，或记录下来继续。</translation>
    </message>
    <message>
        <source>Stop the reply at any of these texts.</source>
        <translation>回复中出现其中任一文本时停止。</translation>
    </message>
    <message>
        <source>Stores its input in a flow variable (declared in the flow's variables) and passes it on.</source>
        <translation>把输入保存到流程变量（需在流程的变量中声明），并原样传出。</translation>
    </message>
    <message>
        <source>Stores the user's message and the reply as two turns of the session.</source>
        <translation>把用户的消息和回复作为两轮对话保存到会话中。</translation>
    </message>
    <message>
        <source>Strict</source>
        <translation>严格模式</translation>
    </message>
    <message>
        <source>Strip</source>
        <translation>去除首尾空白</translation>
    </message>
    <message>
        <source>Structured extraction</source>
        <translation>结构化抽取</translation>
    </message>
    <message>
        <source>Style</source>
        <translation>样式</translation>
    </message>
    <message>
        <source>Subflow</source>
        <translation>子流程</translation>
    </message>
    <message>
        <source>Summaries</source>
        <translation>摘要</translation>
    </message>
    <message>
        <source>Summarise each</source>
        <translation>逐一摘要</translation>
    </message>
    <message>
        <source>Summary Memory</source>
        <translation>摘要记忆</translation>
    </message>
    <message>
        <source>Supervisor</source>
        <translation>主管智能体</translation>
    </message>
    <message>
        <source>Support router</source>
        <translation>客服分流</translation>
    </message>
    <message>
        <source>System</source>
        <translation>系统消息</translation>
    </message>
    <message>
        <source>System message template (left out of the messages when empty).</source>
        <translation>系统消息模板（为空时不加入消息）。</translation>
    </message>
    <message>
        <source>Take examples from this knowledge base instead.</source>
        <translation>改为从这个知识库中取示例。</translation>
    </message>
    <message>
        <source>Taken branch</source>
        <translation>所走分支</translation>
    </message>
    <message>
        <source>Taken when no expression is true (empty: take nothing).</source>
        <translation>所有表达式都不成立时使用（为空：不走任何路由）。</translation>
    </message>
    <message>
        <source>Taken when the reply names no route.</source>
        <translation>回复中没有指明路由时使用。</translation>
    </message>
    <message>
        <source>Technical prompt</source>
        <translation>技术提示词</translation>
    </message>
    <message>
        <source>Tell agents the tables and columns.</source>
        <translation>告诉智能体有哪些表和列。</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <source>Template</source>
        <translation>模板</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>Text Input</source>
        <translation>文本输入</translation>
    </message>
    <message>
        <source>Text containing JSON</source>
        <translation>包含 JSON 的文本</translation>
    </message>
    <message>
        <source>Text containing a list</source>
        <translation>包含列表的文本</translation>
    </message>
    <message>
        <source>Text encoding of the files.</source>
        <translation>文件的文本编码。</translation>
    </message>
    <message>
        <source>Text that may contain personal data.</source>
        <translation>可能包含个人数据的文本。</translation>
    </message>
    <message>
        <source>Text to search</source>
        <translation>要搜索的文本</translation>
    </message>
    <message>
        <source>Text to split</source>
        <translation>要拆分的文本</translation>
    </message>
    <message>
        <source>Text with {name} placeholders; each one becomes an input.</source>
        <translation>带 {name} 占位符的文本；每个占位符都会成为一个输入。</translation>
    </message>
    <message>
        <source>Text, a list of texts, or documents.</source>
        <translation>文本、文本列表或文档。</translation>
    </message>
    <message>
        <source>Text, a message list, documents or any JSON value.</source>
        <translation>文本、消息列表、文档或任意 JSON 值。</translation>
    </message>
    <message>
        <source>Texts (JSON list)</source>
        <translation>文本（JSON 列表）</translation>
    </message>
    <message>
        <source>Texts to join (connect several)</source>
        <translation>要拼接的文本（可连接多个）</translation>
    </message>
    <message>
        <source>The API key's secret name.</source>
        <translation>API 密钥对应的密钥名称。</translation>
    </message>
    <message>
        <source>The JSON schema the reply must match (json_schema format).</source>
        <translation>回复必须符合的 JSON schema（json_schema 格式）。</translation>
    </message>
    <message>
        <source>The LLM for the helper step.</source>
        <translation>辅助步骤使用的大语言模型。</translation>
    </message>
    <message>
        <source>The LLM writes a short hypothetical answer; its embedding (closer to real answers than the question's) finds the chunks. The question's own results are fused in.</source>
        <translation>由大语言模型写一个简短的假设答案，用它的向量（比问题本身更接近真实答案）查找分块，并融合问题本身的检索结果。</translation>
    </message>
    <message>
        <source>The LLM's hypothetical answer.</source>
        <translation>大语言模型写出的假设答案。</translation>
    </message>
    <message>
        <source>The MCP tool to call, as the server names it.</source>
        <translation>要调用的 MCP 工具，按服务器给它的名称。</translation>
    </message>
    <message>
        <source>The SQLite file (relative to the flow's folder).</source>
        <translation>SQLite 文件（相对于流程所在文件夹）。</translation>
    </message>
    <message>
        <source>The answer to score</source>
        <translation>要评分的回答</translation>
    </message>
    <message>
        <source>The answer used when the time runs out.</source>
        <translation>超时后使用的回答。</translation>
    </message>
    <message>
        <source>The answers allowed; empty allows any text.</source>
        <translation>允许的回答；留空则可以回答任意文本。</translation>
    </message>
    <message>
        <source>The assistant's reply.</source>
        <translation>助手的回复。</translation>
    </message>
    <message>
        <source>The best documents, best first.</source>
        <translation>最好的文档，按相关度从高到低排列。</translation>
    </message>
    <message>
        <source>The chat messages</source>
        <translation>聊天消息</translation>
    </message>
    <message>
        <source>The chosen examples formatted with the template.</source>
        <translation>按模板格式化后的所选示例。</translation>
    </message>
    <message>
        <source>The chosen examples, most similar first.</source>
        <translation>选出的示例，最相似的在前。</translation>
    </message>
    <message>
        <source>The citations as lines '[n] file, heading, page'.</source>
        <translation>引用列表，每行形如 '[n] 文件, 标题, 页码'。</translation>
    </message>
    <message>
        <source>The classifying model.</source>
        <translation>负责分类的模型。</translation>
    </message>
    <message>
        <source>The conversation that produced it (for retries).</source>
        <translation>产生该回复的对话（用于重试）。</translation>
    </message>
    <message>
        <source>The conversation to answer (text becomes one user message).</source>
        <translation>要回答的对话（文本会成为一条用户消息）。</translation>
    </message>
    <message>
        <source>The conversation without its oldest turns.</source>
        <translation>去掉最早轮次后的对话。</translation>
    </message>
    <message>
        <source>The expected answer</source>
        <translation>期望的回答</translation>
    </message>
    <message>
        <source>The file (overrides the setting).</source>
        <translation>文件（优先于设置中的值）。</translation>
    </message>
    <message>
        <source>The file to load (relative to the flow file).</source>
        <translation>要加载的文件（相对于流程文件）。</translation>
    </message>
    <message>
        <source>The file's text with source metadata.</source>
        <translation>文件的文本及来源元数据。</translation>
    </message>
    <message>
        <source>The filled-in prompt</source>
        <translation>填好的提示词</translation>
    </message>
    <message>
        <source>The filled-in text</source>
        <translation>填好的文本</translation>
    </message>
    <message>
        <source>The final answer.</source>
        <translation>最终答案。</translation>
    </message>
    <message>
        <source>The first match, or empty</source>
        <translation>第一个匹配，没有则为空</translation>
    </message>
    <message>
        <source>The first reply must call a tool (small models otherwise answer from memory).</source>
        <translation>第一次回复必须调用工具（否则小模型会凭记忆作答）。</translation>
    </message>
    <message>
        <source>The flow input each item goes to.</source>
        <translation>每个列表项送入的流程输入。</translation>
    </message>
    <message>
        <source>The flow output to collect (empty: all outputs as an object).</source>
        <translation>要收集的流程输出（为空：以对象形式收集全部输出）。</translation>
    </message>
    <message>
        <source>The flow variable to read.</source>
        <translation>要读取的流程变量。</translation>
    </message>
    <message>
        <source>The flow variable to set.</source>
        <translation>要设置的流程变量。</translation>
    </message>
    <message>
        <source>The flow's declared inputs.</source>
        <translation>该流程声明的输入。</translation>
    </message>
    <message>
        <source>The flow's declared outputs.</source>
        <translation>该流程声明的输出。</translation>
    </message>
    <message>
        <source>The folder (overrides the setting).</source>
        <translation>文件夹（优先于设置中的值）。</translation>
    </message>
    <message>
        <source>The folder (relative to the flow file).</source>
        <translation>文件夹（相对于流程文件）。</translation>
    </message>
    <message>
        <source>The input, when no other route is taken.</source>
        <translation>没有走其他路由时的输入。</translation>
    </message>
    <message>
        <source>The items, as a list of strings</source>
        <translation>各项内容，字符串列表</translation>
    </message>
    <message>
        <source>The joined text</source>
        <translation>拼接后的文本</translation>
    </message>
    <message>
        <source>The judge model.</source>
        <translation>负责判定的模型。</translation>
    </message>
    <message>
        <source>The knowledge base name, to wire into a retriever.</source>
        <translation>知识库名称，可连到检索器。</translation>
    </message>
    <message>
        <source>The last draft answer.</source>
        <translation>最后一版答案草稿。</translation>
    </message>
    <message>
        <source>The last reply, when it still fails.</source>
        <translation>仍未通过时的最后一次回复。</translation>
    </message>
    <message>
        <source>The list to go over.</source>
        <translation>要逐项处理的列表。</translation>
    </message>
    <message>
        <source>The local model rewrites the question three ways; each query searches (hybrid), the lists are fused with reciprocal rank fusion, reranked, and answered with citations.</source>
        <translation>本地模型把问题改写成三种说法；每个查询分别进行混合检索，结果列表经倒数排名融合、重排序后，给出带引用的回答。</translation>
    </message>
    <message>
        <source>The merged value.</source>
        <translation>合并后的值。</translation>
    </message>
    <message>
        <source>The model that thinks.</source>
        <translation>负责思考的模型。</translation>
    </message>
    <message>
        <source>The model whose tokenizer counts (the same model string as the LLM node's).</source>
        <translation>用其分词器计数的模型（与大语言模型节点中的模型名称相同）。</translation>
    </message>
    <message>
        <source>The model writes a plan (JSON steps over the tools), the steps run in order with earlier results feeding later ones, then the answer is written.</source>
        <translation>模型先写出计划（调用工具的 JSON 步骤），各步骤依次执行，前面的结果供后面使用，最后写出答案。</translation>
    </message>
    <message>
        <source>The model's reply.</source>
        <translation>模型的回复。</translation>
    </message>
    <message>
        <source>The name of the route taken.</source>
        <translation>所走路由的名称。</translation>
    </message>
    <message>
        <source>The name of this result in the flow's outputs.</source>
        <translation>此结果在流程输出中的名称。</translation>
    </message>
    <message>
        <source>The name used on the command line and by parent flows.</source>
        <translation>在命令行和上级流程中使用的名称。</translation>
    </message>
    <message>
        <source>The new input.</source>
        <translation>新的输入。</translation>
    </message>
    <message>
        <source>The number of tokens.</source>
        <translation>词元数量。</translation>
    </message>
    <message>
        <source>The numbered context block.</source>
        <translation>带编号的上下文内容块。</translation>
    </message>
    <message>
        <source>The output returned (empty: the only one, or all as an object).</source>
        <translation>返回的输出（为空：唯一的输出，或以对象形式返回全部输出）。</translation>
    </message>
    <message>
        <source>The parsed value (null when parsing failed and not strict)</source>
        <translation>解析出的值（解析失败且非严格模式时为 null）</translation>
    </message>
    <message>
        <source>The parts, as a list of strings</source>
        <translation>拆分出的各段，字符串列表</translation>
    </message>
    <message>
        <source>The person's answer (the default when time ran out).</source>
        <translation>人的回答（超时则为默认值）。</translation>
    </message>
    <message>
        <source>The preset the template started from (picking one replaces the template).</source>
        <translation>模板所基于的预设（选择预设会替换模板）。</translation>
    </message>
    <message>
        <source>The prompt. {{ name }} inserts the input called name.</source>
        <translation>提示词。{{ name }} 会插入名为 name 的输入。</translation>
    </message>
    <message>
        <source>The queries searched.</source>
        <translation>检索用到的查询。</translation>
    </message>
    <message>
        <source>The question</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>The question or goal (leave unwired to use it only as a tool).</source>
        <translation>问题或目标（不连线时仅作为工具使用）。</translation>
    </message>
    <message>
        <source>The question, a template: {{ name }} inserts the input called name.</source>
        <translation>问题，是一个模板：{{ name }} 会插入名为 name 的输入。</translation>
    </message>
    <message>
        <source>The question.</source>
        <translation>问题。</translation>
    </message>
    <message>
        <source>The relevant older turns, oldest first.</source>
        <translation>相关的较早轮次，最早的在前。</translation>
    </message>
    <message>
        <source>The reply must be JSON (implied by a schema).</source>
        <translation>回复必须是 JSON（设置了 schema 时自动要求）。</translation>
    </message>
    <message>
        <source>The reply parsed as JSON (JSON response formats only).</source>
        <translation>解析为 JSON 的回复（仅限 JSON 响应格式）。</translation>
    </message>
    <message>
        <source>The reply parsed as JSON, when it passes and JSON was required.</source>
        <translation>通过检查且要求 JSON 时，解析为 JSON 的回复。</translation>
    </message>
    <message>
        <source>The reply to check.</source>
        <translation>要检查的回复。</translation>
    </message>
    <message>
        <source>The reply, passed on once it is saved.</source>
        <translation>回复，保存后原样传出。</translation>
    </message>
    <message>
        <source>The reply, when it passes.</source>
        <translation>通过检查时的回复。</translation>
    </message>
    <message>
        <source>The result of running on `arguments` (only when given).</source>
        <translation>用 `arguments` 运行的结果（仅在提供参数时）。</translation>
    </message>
    <message>
        <source>The running summary (empty until there is one).</source>
        <translation>持续更新的摘要（生成前为空）。</translation>
    </message>
    <message>
        <source>The same value, for display.</source>
        <translation>同一个值，用于显示。</translation>
    </message>
    <message>
        <source>The same value, so that later steps can wait for it.</source>
        <translation>同一个值，供后续步骤等待。</translation>
    </message>
    <message>
        <source>The saved flow (relative to this flow's folder).</source>
        <translation>已保存的流程（相对于本流程所在文件夹）。</translation>
    </message>
    <message>
        <source>The score (empty when the metric was skipped)</source>
        <translation>分数（跳过该指标时为空）</translation>
    </message>
    <message>
        <source>The secret holding the API key (default: the provider's, e.g. OPENAI_API_KEY).</source>
        <translation>保存 API 密钥的密钥名称（默认：提供商的密钥，例如 OPENAI_API_KEY）。</translation>
    </message>
    <message>
        <source>The separator is a regular expression.</source>
        <translation>分隔符是正则表达式。</translation>
    </message>
    <message>
        <source>The server says this tool changes nothing (no side effects).</source>
        <translation>服务器声明此工具不做任何更改（无副作用）。</translation>
    </message>
    <message>
        <source>The server's tools, for an agent's 'tools' input.</source>
        <translation>服务器的工具，供智能体的“tools”输入使用。</translation>
    </message>
    <message>
        <source>The stdio server command as a list, e.g. ["python", "-m", "my_server"] ("python" means the interpreter running the Studio). Leave empty to use a URL.</source>
        <translation>stdio 服务器命令（列表），例如 ["python", "-m", "my_server"]（"python" 指运行 Studio 的解释器）。留空则使用 URL。</translation>
    </message>
    <message>
        <source>The text to classify (passed on unchanged).</source>
        <translation>要分类的文本（原样传出）。</translation>
    </message>
    <message>
        <source>The text with personal data replaced.</source>
        <translation>已替换个人数据的文本。</translation>
    </message>
    <message>
        <source>The text, cut to fit.</source>
        <translation>截短到合适长度的文本。</translation>
    </message>
    <message>
        <source>The text, when it looks clean.</source>
        <translation>看起来正常时的文本。</translation>
    </message>
    <message>
        <source>The text, when it looks like an injection.</source>
        <translation>看起来像注入时的文本。</translation>
    </message>
    <message>
        <source>The tool's name as agents see it.</source>
        <translation>智能体看到的工具名称。</translation>
    </message>
    <message>
        <source>The tool's result as text (untrusted: check it before trusting it).</source>
        <translation>工具结果的文本（不可信：信任之前请先检查）。</translation>
    </message>
    <message>
        <source>The tool's structured result, when the server sends one.</source>
        <translation>工具的结构化结果（服务器提供时）。</translation>
    </message>
    <message>
        <source>The tool, for an agent.</source>
        <translation>供智能体使用的工具。</translation>
    </message>
    <message>
        <source>The untrusted text (user message, web page, document).</source>
        <translation>不可信的文本（用户消息、网页、文档）。</translation>
    </message>
    <message>
        <source>The user's latest message.</source>
        <translation>用户的最新消息。</translation>
    </message>
    <message>
        <source>The user's message in a chat; `messages` holds the history plus this message.</source>
        <translation>聊天中用户发送的消息；`messages` 包含历史记录和这条消息。</translation>
    </message>
    <message>
        <source>The user's message.</source>
        <translation>用户的消息。</translation>
    </message>
    <message>
        <source>The user's new message.</source>
        <translation>用户的新消息。</translation>
    </message>
    <message>
        <source>The user's question.</source>
        <translation>用户的问题。</translation>
    </message>
    <message>
        <source>The value given for this input.</source>
        <translation>为此输入提供的值。</translation>
    </message>
    <message>
        <source>The value to return.</source>
        <translation>要返回的值。</translation>
    </message>
    <message>
        <source>The value to store.</source>
        <translation>要保存的值。</translation>
    </message>
    <message>
        <source>The variable's current value.</source>
        <translation>变量的当前值。</translation>
    </message>
    <message>
        <source>This agent as a tool, for a supervisor.</source>
        <translation>把此智能体作为工具，供主管智能体使用。</translation>
    </message>
    <message>
        <source>This tool, for an agent.</source>
        <translation>此工具，供智能体使用。</translation>
    </message>
    <message>
        <source>Three independent LLM branches (summary, key points, audience) merged into one brief.</source>
        <translation>三个相互独立的大语言模型分支（摘要、要点、受众）合并成一份简报。</translation>
    </message>
    <message>
        <source>Threshold</source>
        <translation>阈值</translation>
    </message>
    <message>
        <source>Time limit for one query.</source>
        <translation>单次查询的时间限制。</translation>
    </message>
    <message>
        <source>Time limit for starting the server and one call.</source>
        <translation>启动服务器并完成一次调用的时间上限。</translation>
    </message>
    <message>
        <source>Time limit for the whole request.</source>
        <translation>整个请求的时间限制。</translation>
    </message>
    <message>
        <source>Timeout (s)</source>
        <translation>超时（秒）</translation>
    </message>
    <message>
        <source>Timeout S</source>
        <translation>超时（秒）</translation>
    </message>
    <message>
        <source>Times to ask the LLM again with the errors.</source>
        <translation>带着错误信息再次询问大语言模型的次数。</translation>
    </message>
    <message>
        <source>Token Budget</source>
        <translation>词元预算</translation>
    </message>
    <message>
        <source>Token Count</source>
        <translation>词元计数</translation>
    </message>
    <message>
        <source>Token Splitter</source>
        <translation>按词元分块器</translation>
    </message>
    <message>
        <source>Token budget for text and history together (empty: the model's context window minus the reserve).</source>
        <translation>文本和历史合计的词元预算（为空：模型上下文窗口减去预留部分）。</translation>
    </message>
    <message>
        <source>Token budget for the history (0 = no budget).</source>
        <translation>历史记录的词元预算（0 = 不限）。</translation>
    </message>
    <message>
        <source>Token budget of the whole block.</source>
        <translation>整个内容块的词元预算。</translation>
    </message>
    <message>
        <source>Tokens left free for the instructions and the reply.</source>
        <translation>为指令和回复预留的词元数。</translation>
    </message>
    <message>
        <source>Tokens per chunk.</source>
        <translation>每个分块的词元数。</translation>
    </message>
    <message>
        <source>Tokens shared by neighbouring chunks.</source>
        <translation>相邻分块之间重叠的词元数。</translation>
    </message>
    <message>
        <source>Tokens the text and the history take now.</source>
        <translation>文本和历史当前占用的词元数。</translation>
    </message>
    <message>
        <source>Tokens, cost and why the reply ended.</source>
        <translation>词元数、费用以及回复结束的原因。</translation>
    </message>
    <message>
        <source>Tool</source>
        <translation>工具</translation>
    </message>
    <message>
        <source>Tool calls at most.</source>
        <translation>工具调用的最多次数。</translation>
    </message>
    <message>
        <source>Tool-Calling Agent</source>
        <translation>工具调用智能体</translation>
    </message>
    <message>
        <source>Tools</source>
        <translation>工具</translation>
    </message>
    <message>
        <source>Tools (or other agents) it may use.</source>
        <translation>它可以使用的工具（或其他智能体）。</translation>
    </message>
    <message>
        <source>Top N</source>
        <translation>前 N 个</translation>
    </message>
    <message>
        <source>Top P</source>
        <translation>Top P</translation>
    </message>
    <message>
        <source>Top-k chunks by BM25 keyword match (Chinese queries are cut into words).</source>
        <translation>按 BM25 关键词匹配返回前 k 个分块（中文查询会先分词）。</translation>
    </message>
    <message>
        <source>Top-k chunks by embedding similarity, with a score threshold and metadata filter.</source>
        <translation>按向量相似度返回前 k 个分块，支持分数阈值和元数据过滤。</translation>
    </message>
    <message>
        <source>Topic</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>Total cost at most in USD (0 = no limit).</source>
        <translation>总费用上限，单位美元（0 = 不限）。</translation>
    </message>
    <message>
        <source>Total tokens at most (0 = no limit).</source>
        <translation>词元总数上限（0 = 不限）。</translation>
    </message>
    <message>
        <source>Trim spaces and new lines around each part.</source>
        <translation>去掉每段首尾的空格和换行。</translation>
    </message>
    <message>
        <source>Turns kept word for word.</source>
        <translation>逐字保留的轮数。</translation>
    </message>
    <message>
        <source>US dollars the model calls of the run cost (0 for local models).</source>
        <translation>本次运行中模型调用花费的美元（本地模型为 0）。</translation>
    </message>
    <message>
        <source>Url</source>
        <translation>URL</translation>
    </message>
    <message>
        <source>Used when the run does not give a message.</source>
        <translation>运行时未提供消息时使用。</translation>
    </message>
    <message>
        <source>Used when the run does not give a value.</source>
        <translation>运行时未提供值时使用。</translation>
    </message>
    <message>
        <source>User</source>
        <translation>用户消息</translation>
    </message>
    <message>
        <source>User message template.</source>
        <translation>用户消息模板。</translation>
    </message>
    <message>
        <source>Values given to every run (an object of input names).</source>
        <translation>每次运行都提供的值（以输入名称为键的对象）。</translation>
    </message>
    <message>
        <source>Variables</source>
        <translation>变量</translation>
    </message>
    <message>
        <source>Vector + full-text search fused with reciprocal rank fusion (each list's rank counts).</source>
        <translation>向量检索与全文检索结果通过倒数排名融合（RRF）合并（各列表中的排名都计入）。</translation>
    </message>
    <message>
        <source>Vector Memory</source>
        <translation>向量记忆</translation>
    </message>
    <message>
        <source>Vector Retriever</source>
        <translation>向量检索器</translation>
    </message>
    <message>
        <source>Vector Weight</source>
        <translation>向量权重</translation>
    </message>
    <message>
        <source>Vector search</source>
        <translation>向量检索</translation>
    </message>
    <message>
        <source>Wall-clock time limit.</source>
        <translation>实际运行时间限制。</translation>
    </message>
    <message>
        <source>Warning: only where this machine cannot isolate code (not Linux, or namespaces refused), run it anyway with resource limits only. The code can then read your files and secrets and act as you. Turn on only for code you trust.</source>
        <translation>警告：仅在本机无法隔离代码时（非 Linux，或命名空间被拒绝）仍然运行代码，只有资源限制。此时代码可以读取你的文件和密钥，并以你的身份行事。只对你信任的代码开启。</translation>
    </message>
    <message>
        <source>Weight of the vector ranking against the full-text ranking (1 = equal). Empty: 1, but 0 for Chinese queries when the embedding model does not know Chinese (the built-in English-only one; the model catalogue says for the others).</source>
        <translation>向量排名相对全文排名的权重（1 = 相同）。为空：取 1；但嵌入模型不懂中文时（内置的纯英文模型；其他模型以模型目录为准），中文查询取 0。</translation>
    </message>
    <message>
        <source>Weight of the vector ranking against the full-text ranking (1 = equal). Empty: 1, but 0 for Chinese queries when the model is the built-in English-only one.</source>
        <translation>向量排名相对全文排名的权重（1 = 相同）。为空：取 1；但使用内置的纯英文模型时，中文查询取 0。</translation>
    </message>
    <message>
        <source>What is routed (passed on unchanged).</source>
        <translation>被路由的内容（原样传出）。</translation>
    </message>
    <message>
        <source>What it is good at (for a supervisor).</source>
        <translation>它擅长做什么（供主管智能体参考）。</translation>
    </message>
    <message>
        <source>What the knowledge base covers.</source>
        <translation>知识库涵盖的内容。</translation>
    </message>
    <message>
        <source>What the tool does, for the model.</source>
        <translation>向模型说明工具的用途。</translation>
    </message>
    <message>
        <source>What this result is.</source>
        <translation>此结果的含义。</translation>
    </message>
    <message>
        <source>What to do when the reply is unclear.</source>
        <translation>回复不明确时的处理方式。</translation>
    </message>
    <message>
        <source>What to look for.</source>
        <translation>要查找的内容。</translation>
    </message>
    <message>
        <source>What to pass on.</source>
        <translation>要传出的内容。</translation>
    </message>
    <message>
        <source>What was replaced: type and position (never the value).</source>
        <translation>被替换的内容：类型和位置（绝不包含原值）。</translation>
    </message>
    <message>
        <source>What was wrong (empty when valid).</source>
        <translation>问题所在（合格时为空）。</translation>
    </message>
    <message>
        <source>What was wrong, or empty</source>
        <translation>问题所在，没有问题时为空</translation>
    </message>
    <message>
        <source>Where to split. \n is a new line, \t a tab; empty = any whitespace.</source>
        <translation>拆分位置。\n 表示换行，\t 表示制表符；为空 = 任意空白。</translation>
    </message>
    <message>
        <source>Whether the contexts relevant to the reference are ranked first (mean precision@k).</source>
        <translation>与参考答案相关的上下文是否排在前面（平均 precision@k）。</translation>
    </message>
    <message>
        <source>Whether the knowledge base was searched.</source>
        <translation>是否检索了知识库。</translation>
    </message>
    <message>
        <source>Which conversations to share; empty = this flow's own.</source>
        <translation>与哪些对话共享记忆；为空 = 仅本流程自己的对话。</translation>
    </message>
    <message>
        <source>Which part of the text to keep: its start, its end, or start and end with the middle cut out.</source>
        <translation>保留文本的哪一部分：开头、结尾，或保留开头和结尾、删去中间。</translation>
    </message>
    <message>
        <source>Why (or why it was skipped)</source>
        <translation>原因（或跳过的原因）</translation>
    </message>
    <message>
        <source>Windows of `chunk_tokens` tokens counted with the embedding model's tokenizer (all-MiniLM-L6-v2 reads at most 256).</source>
        <translation>按嵌入模型的分词器计数，切成每块 `chunk_tokens` 个词元的窗口（all-MiniLM-L6-v2 最多读取 256 个）。</translation>
    </message>
    <message>
        <source>Wire every branch here.</source>
        <translation>把每个分支都连到这里。</translation>
    </message>
    <message>
        <source>Withhold a tool result that looks like a prompt injection (results are untrusted text).</source>
        <translation>扣下看起来像提示注入的工具结果（工具结果是不可信文本）。</translation>
    </message>
    <message>
        <source>Word overlap F1 between answer and reference (SQuAD style; CJK by character pairs).</source>
        <translation>回答与参考答案的词语重叠 F1（SQuAD 方式；中日韩文字按字对计）。</translation>
    </message>
    <message>
        <source>Writer (worker)</source>
        <translation>撰稿人（工作智能体）</translation>
    </message>
    <message>
        <source>Writes a prompt from a Jinja2 template. Each {{ variable }} becomes an input; {% for %} and {% if %} work too. A missing value is an error, not an empty string.</source>
        <translation>用 Jinja2 模板生成提示词。每个 {{ variable }} 都会成为一个输入；也支持 {% for %} 和 {% if %}。缺少的值会报错，而不是当作空字符串。</translation>
    </message>
    <message>
        <source>[{n, source, heading?, page?, label}] in order.</source>
        <translation>按顺序排列的 [{n, source, heading?, page?, label}]。</translation>
    </message>
    <message>
        <source>^ and $ match at every line.</source>
        <translation>^ 和 $ 在每一行都匹配。</translation>
    </message>
    <message>
        <source>a JSON schema (inline or @file)</source>
        <translation>JSON Schema（直接填写或 @文件）</translation>
    </message>
    <message>
        <source>a regular expression</source>
        <translation>正则表达式</translation>
    </message>
    <message>
        <source>after</source>
        <translation>之后</translation>
    </message>
    <message>
        <source>answer</source>
        <translation>回答</translation>
    </message>
    <message>
        <source>answer_correctness</source>
        <translation>回答正确性</translation>
    </message>
    <message>
        <source>answer_correctness_judge</source>
        <translation>回答正确性（评审）</translation>
    </message>
    <message>
        <source>answer_relevance</source>
        <translation>回答相关性</translation>
    </message>
    <message>
        <source>answer_similarity</source>
        <translation>回答相似度</translation>
    </message>
    <message>
        <source>arguments</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>chunks</source>
        <translation>分块</translation>
    </message>
    <message>
        <source>citations</source>
        <translation>引用</translation>
    </message>
    <message>
        <source>contains</source>
        <translation>包含文本</translation>
    </message>
    <message>
        <source>context</source>
        <translation>上下文</translation>
    </message>
    <message>
        <source>context_precision</source>
        <translation>上下文精确率</translation>
    </message>
    <message>
        <source>context_precision_judge</source>
        <translation>上下文精确率（评审）</translation>
    </message>
    <message>
        <source>context_recall</source>
        <translation>上下文召回率</translation>
    </message>
    <message>
        <source>context_recall_judge</source>
        <translation>上下文召回率（评审）</translation>
    </message>
    <message>
        <source>context_relevance</source>
        <translation>上下文相关性</translation>
    </message>
    <message>
        <source>contexts</source>
        <translation>上下文列表</translation>
    </message>
    <message>
        <source>cost</source>
        <translation>费用</translation>
    </message>
    <message>
        <source>count</source>
        <translation>计数</translation>
    </message>
    <message>
        <source>data</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>documents</source>
        <translation>文档</translation>
    </message>
    <message>
        <source>draft</source>
        <translation>草稿</translation>
    </message>
    <message>
        <source>embedding</source>
        <translation>向量</translation>
    </message>
    <message>
        <source>error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>errors</source>
        <translation>错误列表</translation>
    </message>
    <message>
        <source>exact_match</source>
        <translation>完全匹配</translation>
    </message>
    <message>
        <source>examples</source>
        <translation>示例</translation>
    </message>
    <message>
        <source>fail</source>
        <translation>不通过</translation>
    </message>
    <message>
        <source>faithfulness</source>
        <translation>忠实度</translation>
    </message>
    <message>
        <source>faithfulness_judge</source>
        <translation>忠实度（评审）</translation>
    </message>
    <message>
        <source>fastembed cross-encoder model name.</source>
        <translation>fastembed 交叉编码器模型名称。</translation>
    </message>
    <message>
        <source>folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>found</source>
        <translation>已找到</translation>
    </message>
    <message>
        <source>geval</source>
        <translation>G-Eval 评分</translation>
    </message>
    <message>
        <source>history</source>
        <translation>历史</translation>
    </message>
    <message>
        <source>human_rating</source>
        <translation>人工评分</translation>
    </message>
    <message>
        <source>hypothetical</source>
        <translation>假设文档</translation>
    </message>
    <message>
        <source>input</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>instruction</source>
        <translation>指令</translation>
    </message>
    <message>
        <source>invalid</source>
        <translation>无效</translation>
    </message>
    <message>
        <source>items</source>
        <translation>条目</translation>
    </message>
    <message>
        <source>json</source>
        <translation>JSON</translation>
    </message>
    <message>
        <source>json_schema</source>
        <translation>符合 JSON Schema</translation>
    </message>
    <message>
        <source>json_valid</source>
        <translation>有效 JSON</translation>
    </message>
    <message>
        <source>kb</source>
        <translation>知识库</translation>
    </message>
    <message>
        <source>latency</source>
        <translation>耗时</translation>
    </message>
    <message>
        <source>length</source>
        <translation>长度</translation>
    </message>
    <message>
        <source>listing</source>
        <translation>列表</translation>
    </message>
    <message>
        <source>match</source>
        <translation>匹配</translation>
    </message>
    <message>
        <source>matches</source>
        <translation>匹配项</translation>
    </message>
    <message>
        <source>message</source>
        <translation>消息</translation>
    </message>
    <message>
        <source>messages</source>
        <translation>消息</translation>
    </message>
    <message>
        <source>other</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>otherwise</source>
        <translation>否则</translation>
    </message>
    <message>
        <source>pairwise</source>
        <translation>两两比较</translation>
    </message>
    <message>
        <source>parts</source>
        <translation>片段</translation>
    </message>
    <message>
        <source>pass</source>
        <translation>通过</translation>
    </message>
    <message>
        <source>path</source>
        <translation>路径</translation>
    </message>
    <message>
        <source>pii</source>
        <translation>个人数据</translation>
    </message>
    <message>
        <source>prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <source>queries</source>
        <translation>查询列表</translation>
    </message>
    <message>
        <source>query</source>
        <translation>查询</translation>
    </message>
    <message>
        <source>question</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>recalled</source>
        <translation>回忆内容</translation>
    </message>
    <message>
        <source>reference</source>
        <translation>参考答案</translation>
    </message>
    <message>
        <source>refusal</source>
        <translation>拒答</translation>
    </message>
    <message>
        <source>regex</source>
        <translation>正则匹配</translation>
    </message>
    <message>
        <source>reply</source>
        <translation>回复</translation>
    </message>
    <message>
        <source>report</source>
        <translation>报告</translation>
    </message>
    <message>
        <source>request</source>
        <translation>请求</translation>
    </message>
    <message>
        <source>result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>results</source>
        <translation>结果列表</translation>
    </message>
    <message>
        <source>retrieved</source>
        <translation>检索结果</translation>
    </message>
    <message>
        <source>rouge_l</source>
        <translation>ROUGE-L</translation>
    </message>
    <message>
        <source>route</source>
        <translation>路由</translation>
    </message>
    <message>
        <source>score</source>
        <translation>分数</translation>
    </message>
    <message>
        <source>shared</source>
        <translation>共享</translation>
    </message>
    <message>
        <source>sources</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>sources_cited</source>
        <translation>引用来源</translation>
    </message>
    <message>
        <source>steps</source>
        <translation>步骤</translation>
    </message>
    <message>
        <source>summary</source>
        <translation>摘要</translation>
    </message>
    <message>
        <source>system</source>
        <translation>系统</translation>
    </message>
    <message>
        <source>task</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>text to look for</source>
        <translation>要查找的文本</translation>
    </message>
    <message>
        <source>texts</source>
        <translation>文本列表</translation>
    </message>
    <message>
        <source>the rubric (inline or @file)</source>
        <translation>评分标准（直接填写或 @文件）</translation>
    </message>
    <message>
        <source>token_f1</source>
        <translation>词语重叠 F1</translation>
    </message>
    <message>
        <source>tokens</source>
        <translation>Token 数</translation>
    </message>
    <message>
        <source>tool</source>
        <translation>工具</translation>
    </message>
    <message>
        <source>tools</source>
        <translation>工具</translation>
    </message>
    <message>
        <source>usage</source>
        <translation>用量</translation>
    </message>
    <message>
        <source>valid</source>
        <translation>有效</translation>
    </message>
    <message>
        <source>value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>values</source>
        <translation>值列表</translation>
    </message>
    <message>
        <source>what to prefer (inline or @file)</source>
        <translation>偏好标准（直接填写或 @文件）</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
</context>
</TS>