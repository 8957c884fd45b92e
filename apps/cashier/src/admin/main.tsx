// The ops console at /admin.
import '../styles/base.css';
import '../styles/admin.css';
import '../styles/page.css';
import { render } from 'preact';
import { AdminApp } from './admin-app.tsx';

render(<AdminApp />, document.getElementById('app')!);
