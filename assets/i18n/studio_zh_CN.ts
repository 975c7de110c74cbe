<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
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
    <name>EditorTab</name>
    <message>
        <source>(because %s failed)</source>
        <translation>（因为 %s 失败）</translation>
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
    <name>FlowDocument</name>
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
        <translation>令牌数</translation>
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
        <source>Find node</source>
        <translation>查找节点</translation>
    </message>
    <message>
        <source>Name or type:</source>
        <translation>名称或类型：</translation>
    </message>
    <message>
        <source>No node matches '%s'.</source>
        <translation>没有与“%s”匹配的节点。</translation>
    </message>
    <message>
        <source>No installed node loads %s</source>
        <translation>没有已安装的节点能加载 %s</translation>
    </message>
</context>
<context>
    <name>NodeItem</name>
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
        <source>cancelled</source>
        <translation>已取消</translation>
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
    <name>RunMixin</name>
    <message>
        <source>Run flow</source>
        <translation>运行流程</translation>
    </message>
    <message>
        <source>Value for input '%s':</source>
        <translation>输入“%s”的值：</translation>
    </message>
    <message>
        <source>Select a node first.</source>
        <translation>请先选择一个节点。</translation>
    </message>
    <message>
        <source>A run is already going.</source>
        <translation>已有运行正在进行。</translation>
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
        <source>%s in %s, %d tokens</source>
        <translation>%s，用时 %s，%d 个令牌</translation>
    </message>
    <message>
        <source>%s: %s</source>
        <translation>%s：%s</translation>
    </message>
    <message>
        <source>Flow outputs</source>
        <translation>流程输出</translation>
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
        <source>(not run yet)</source>
        <translation>（尚未运行）</translation>
    </message>
    <message>
        <source>%d tokens</source>
        <translation>%d 个令牌</translation>
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
        <source>none yet</source>
        <translation>暂无</translation>
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
        <source>Could not store %s: %s</source>
        <translation>无法保存 %s：%s</translation>
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
        <source>No translation file for %s</source>
        <translation>没有 %s 的翻译文件</translation>
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
</TS>