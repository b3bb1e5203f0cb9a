import { mount } from 'svelte'
import App from './ui/App.svelte'

const target = document.getElementById('app')
if (!target) throw new Error('ferry: #app element missing')
mount(App, { target })
