// The renderer's entry: one API client over whichever transport this page has.
import { mount } from 'svelte'
import App from './App.svelte'
import { connect } from './api/connect'
import { HyperfoldApp } from './state/app.svelte'
import './app.css'

const app = new HyperfoldApp(connect(window), window.hyperfold?.shell ?? null)
mount(App, { target: document.getElementById('app')!, props: { app } })
